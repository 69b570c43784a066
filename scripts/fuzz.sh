#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer and runs them one after the other:
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     SECONDS per target (default 600); TARGET: pop3, mime, http (default all)
#
# Each target fuzzes a working copy of Fuzz/corpus/<target> and Fuzz/crashers/<target> in a scratch directory, so
# that the inputs libFuzzer adds never land in the repository (the copy is kept and grows from run to run; delete
# it to start afresh). A crash, a broken invariant, a timeout or running out of memory is copied to
# Fuzz/crashers/<target>/, to be committed once fixed (FuzzRegressionTests replays every file there), and the
# script exits 1 after running the remaining targets. It prints the executions and the result of each target.
#
# Environment: FUZZ_WORK_DIR (default /tmp/pop3-gateway-fuzz): the corpora copies, logs and artifacts;
# FUZZ_SCRATCH_PATH (default $FUZZ_WORK_DIR/build): SwiftPM's scratch path for the sanitizer build;
# FUZZ_CONFIGURATION (default release): release fuzzes about 20 times faster than debug and keeps every
# precondition, bounds and overflow check (the sources use no assert).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=600
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=(pop3 mime http)
fi
work_dir=${FUZZ_WORK_DIR:-/tmp/pop3-gateway-fuzz}
scratch_path=${FUZZ_SCRATCH_PATH:-$work_dir/build}
configuration=${FUZZ_CONFIGURATION:-release}

# The executable and the longest input of each target: a few pipelined responses, a message with long
# headers, deep nesting or many attachments, a header value or a path.
product_for() {
    case $1 in
    pop3) echo FuzzPOP3Decoder ;;
    mime) echo FuzzMIME ;;
    http) echo FuzzHTTPInput ;;
    *) return 1 ;;
    esac
}
max_len_for() {
    case $1 in
    pop3) echo 4096 ;;
    mime) echo 131072 ;;
    http) echo 1024 ;;
    esac
}

for target in "${targets[@]}"; do
    product_for "$target" >/dev/null || {
        echo "unknown target '$target' (pop3, mime, http)" >&2
        exit 2
    }
done

# shellcheck disable=SC2054 # the comma belongs to -sanitize=fuzzer,address
build_flags=(-c "$configuration" --scratch-path "$scratch_path" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)
for target in "${targets[@]}"; do
    product=$(product_for "$target")
    echo "== build $product ($configuration, -sanitize=fuzzer,address)"
    # ld.gold warns once per ASan symbol that it cannot export a local one: noise.
    swift build "${build_flags[@]}" --product "$product" 2>&1 | grep -v -e "Cannot export local symbol" -e "prohibited flag" || true
    [[ ${PIPESTATUS[0]} -eq 0 ]] || exit 1
done
bin_path=$(swift build "${build_flags[@]}" --show-bin-path)

summary=()
crashed=0
for target in "${targets[@]}"; do
    product=$(product_for "$target")
    target_dir=$work_dir/$target
    mkdir -p "$target_dir/corpus" "$target_dir/artifacts"
    rm -f "$target_dir"/artifacts/*
    # -L: the MIME corpus links to Tests/Corpus. Crashers are seeds too: a fixed one must stay fixed.
    cp -L Fuzz/corpus/"$target"/* "$target_dir/corpus/"
    if compgen -G "Fuzz/crashers/$target/*" >/dev/null; then
        cp -L Fuzz/crashers/"$target"/* "$target_dir/corpus/"
    fi
    log=$target_dir/fuzz.log
    echo "== fuzz $target for ${seconds}s ($(find "$target_dir/corpus" -type f | wc -l) inputs in $target_dir/corpus, log $log)"
    status=0
    # GLib's slice allocator would hide GMime's allocations from AddressSanitizer; Swift's own backtracer
    # would race libFuzzer's crash handler (and trip over ASan's shadow memory).
    # A dictionary of the target's syntax (encoded words, address punctuation, boundaries, header names)
    # lets mutations build the shapes that reach deep parser paths.
    dictionary=()
    [[ -f Fuzz/dictionaries/$target.dict ]] && dictionary=(-dict="Fuzz/dictionaries/$target.dict")
    G_SLICE=always-malloc SWIFT_BACKTRACE=enable=no "$bin_path/$product" "$target_dir/corpus" "${dictionary[@]}" \
        -max_total_time="$seconds" -max_len="$(max_len_for "$target")" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$target_dir/artifacts/" >"$log" 2>&1 || status=$?
    executions=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log" | tail -1)
    if [[ -z $executions ]]; then
        # A crash ends the run before the final statistics: take the last status line's count.
        executions=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    fi
    rate=$(awk '/^stat::average_exec_per_sec:/ { print $2 }' "$log" | tail -1)
    artifacts=$(find "$target_dir/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \))
    if [[ $status -eq 0 && -z $artifacts ]]; then
        result=ok
    else
        crashed=1
        result="FAILED (exit $status)"
        mkdir -p "Fuzz/crashers/$target"
        for artifact in $artifacts; do
            cp "$artifact" "Fuzz/crashers/$target/"
            result+=" Fuzz/crashers/$target/$(basename "$artifact")"
        done
        grep -m 5 -E 'ERROR: |Fatal error|invariant violated|deadly signal' "$log" || true
        echo "   replay: $bin_path/$product FILE   (or, without libFuzzer: swift run $product FILE)"
    fi
    summary+=("$(printf '%-6s %8ss %14s executions %8s exec/s   %s' "$target" "$seconds" "${executions:-?}" "${rate:-?}" "$result")")
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit $crashed
