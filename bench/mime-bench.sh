#!/usr/bin/env bash
# MIME parsing throughput: the MIME target against Python's email package (policy=default) as the
# baseline, doing the same work on the same files with the same rounds, measured in the same run.
#
# Per message, both sides do what the gateway does for a message and the download of each attachment:
#   - MIME target: `mime-bench --mode message`: MIMEParser.parseMessage (summary, every header, text and
#     html bodies, attachment list), then MIMEParser.attachment(_:in:write:) for every attachment.
#   - Python: Tests/Corpus/python_parse_bench.py: parsebytes, every header decoded and the summary fields,
#     get_body plain/html with get_content(), the same attachment list (every leaf that is not a body, a
#     message/rfc822 being one leaf) with each attachment's decoded bytes.
# Both read the files into memory and make one untimed pass before timing.
#
# Files: the committed corpus, Tests/Corpus/NN-*.eml (69 messages, about 67 KB). The 20 MiB message of
# `make-corpus.py --large` is NOT in the throughput figure (it would be nearly all of the bytes, and it
# measures base64 decoding of one part); it is measured separately, for information, without a target.
#
#   bench/mime-bench.sh [RUNS]      (default 7 interleaved runs of each, after one discarded warm-up run)
#
# Knobs (environment): ROUNDS (passes over the corpus in each run, default 20), LARGE_RUNS (runs on the
# 20 MiB message, default 3; 0 skips it), SCRATCH_PATH (swift build --scratch-path; default .build).
# Target: MIME target MB/s >= 5x Python's. Prints the report and writes it to bench/results/mime-bench.txt.
# Exits 0 when everything ran (whatever the figures), non-zero when something failed to run.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-7}
rounds=${ROUNDS:-20}
large_runs=${LARGE_RUNS:-3}

log() { printf 'mime-bench: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, not '$runs'"
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number, not '$rounds'"
[[ $large_runs =~ ^[0-9]+$ ]] || die "LARGE_RUNS must be a number, not '$large_runs'"

# Build dependencies only (a no-op when they are installed); python3 is the baseline.
scripts/install-deps.sh
command -v python3 >/dev/null 2>&1 || die "python3 is missing (scripts/install-deps.sh --test installs it)"

scratch=()
[[ -n ${SCRATCH_PATH:-} ]] && scratch=(--scratch-path "$SCRATCH_PATH")
log "building release (mime-bench)"
swift build -c release "${scratch[@]}" --product mime-bench >/dev/null
bench="$(swift build -c release "${scratch[@]}" --show-bin-path)/mime-bench"
python_bench=Tests/Corpus/python_parse_bench.py

work=$(mktemp -d /tmp/pop3gw-mime-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
results=$work/results
mkdir -p "$results"

shopt -s nullglob
files=(Tests/Corpus/[0-9][0-9]-*.eml)
((${#files[@]} > 0)) || die "no Tests/Corpus/NN-*.eml files"
# The figures mean something only for the committed corpus, as its generator writes it.
python3 Tests/Corpus/make-corpus.py --check >/dev/null || die "Tests/Corpus differs from make-corpus.py --check"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

# One warm-up of each, then interleaved runs so that drift in the machine hits both alike.
log "corpus: ${#files[@]} files, $rounds rounds per run, $runs interleaved runs (+1 warm-up) of each"
for round in $(seq 0 "$runs"); do
    "$bench" --mode message --rounds "$rounds" "${files[@]}" >>"$results/corpus.swift.$round"
    python3 "$python_bench" --rounds "$rounds" "${files[@]}" >>"$results/corpus.python.$round"
done
rm -f "$results"/corpus.*.0

if ((large_runs > 0)); then
    log "20 MiB message: make-corpus.py --large, 1 round per run, $large_runs interleaved runs (+1 warm-up) of each"
    python3 Tests/Corpus/make-corpus.py --large "$work/large" >/dev/null
    for round in $(seq 0 "$large_runs"); do
        "$bench" --mode message --rounds 1 "$work/large/large-20mb.eml" >>"$results/large.swift.$round"
        python3 "$python_bench" --rounds 1 "$work/large/large-20mb.eml" >>"$results/large.python.$round"
    done
    rm -f "$results"/large.*.0 "$work/large/large-20mb.eml"
fi

revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git diff --quiet HEAD -- Sources bench Tests/Corpus Package.swift 2>/dev/null; then
    revision="$revision + uncommitted changes"
fi
mkdir -p bench/results
report=bench/results/mime-bench.txt
python3 - "$results" "${#files[@]}" "$rounds" "$revision" "$(nproc)" "$load_at_start" <<'PY' | tee "$report"
import glob, json, statistics, sys, time
results, file_count, rounds, revision, cores, load = sys.argv[1:]
failed = []

def runs(name):
    return [json.loads(line) for path in sorted(glob.glob(f"{results}/{name}.*")) for line in open(path)]

def same(name, key):
    values = {run[key] for run in runs(name)}
    if len(values) != 1:
        failed.append(f"{name}: runs disagree on {key}: {sorted(values)}")
    return next(iter(values))

def verdict(ok):
    return "PASS" if ok else "MISS"

def side(name, label):
    rates = [run["megabytesPerSecond"] for run in runs(name)]
    return {"label": label, "rate": statistics.median(rates), "low": min(rates), "high": max(rates),
            "seconds": statistics.median(run["seconds"] for run in runs(name)),
            **{key: same(name, key) for key in ("bytes", "messages", "attachments", "attachmentBytes")}}

def table(prefix):
    """Prints both sides' figures; returns (python, swift), and notes it when they did different work."""
    python = side(f"{prefix}.python", "python email, policy=default (baseline)")
    swift = side(f"{prefix}.swift", "MIME target (GMime), mime-bench")
    for key in ("bytes", "messages", "attachments"):
        if python[key] != swift[key]:
            failed.append(f"{prefix}: the two sides did different work: {key} {python[key]} vs {swift[key]}")
    print(f"   {'parser':<42} {'MB/s':>8} {'min':>8} {'max':>8} {'s/run':>8} {'attachments':>12} {'decoded bytes':>14}")
    for row in (python, swift):
        print(f"   {row['label']:<42} {row['rate']:>8.3f} {row['low']:>8.3f} {row['high']:>8.3f} "
              f"{row['seconds']:>8.3f} {row['attachments']:>12} {row['attachmentBytes']:>14}")
    return python, swift

print(f"pop3-gateway MIME parsing benchmark, {time.strftime('%Y-%m-%d %H:%M')}, commit {revision}, {cores} cores "
      f"(load average {load} before measuring), release build")
print()
rows = []

size = same("corpus.swift", "bytes") // int(rounds)
print(f"1. Corpus: Tests/Corpus/NN-*.eml, {file_count} messages, {size} bytes (the 20 MiB message excluded), "
      f"{rounds} rounds per run; median of {len(runs('corpus.swift'))} interleaved runs after a warm-up run; "
      "MB = 10^6 bytes")
print("   per message: parse, all headers and the summary, text and html bodies, the attachment list, and every")
print("   attachment's decoded bytes (MIME target: attachment(_:in:write:), which parses the message again for each)")
corpus_python, corpus_swift = table("corpus")
ratio = corpus_swift["rate"] / corpus_python["rate"]
print(f"   throughput MIME target/python {ratio:.2f}x (target >= 5.00): {verdict(ratio >= 5)}")
errors = sorted({run["contentErrors"] for run in runs("corpus.python")})
print(f"   python content errors per run: {errors}, one a pass (46-unknown-charset: LookupError, charset x-unknown); "
      "attachment bytes differ by message/rfc822 (Python's as_bytes() writes LF) and by the alternative each picks")
rows.append(("corpus parse + attachments, MB/s", "python email", f"{ratio:.2f}x", ">= 5.00x", verdict(ratio >= 5)))
print()

if glob.glob(f"{results}/large.swift.*"):
    size = same("large.swift", "bytes")
    print(f"2. For information (no target): the {size}-byte message of make-corpus.py --large (one 20 MiB base64 "
          f"attachment), in memory, 1 round per run; median of {len(runs('large.swift'))} interleaved runs")
    large_python, large_swift = table("large")
    print(f"   throughput MIME target/python {large_swift['rate'] / large_python['rate']:.2f}x")
    print()

print(f"{'measurement':<36} {'baseline':<14} {'result':>8} {'target':>10} {'verdict':>8}")
for measurement, baseline, result, target, outcome in rows:
    print(f"{measurement:<36} {baseline:<14} {result:>8} {target:>10} {outcome:>8}")
if failed:
    print()
    for failure in failed:
        print(f"FAILED: {failure}")
    sys.exit(1)
PY
