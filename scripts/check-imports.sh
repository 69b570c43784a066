#!/usr/bin/env bash
# The dependency rule, checked on the import lines of each target under Sources/: a target imports only
# the project modules its row below allows (system modules and the packages of Package.swift are not
# checked here), and each C library has exactly one Swift importer. scripts/test.sh runs it; any other
# import of a project module fails the run, with the file and line.
#   scripts/check-imports.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# target: the project modules it may import. Basics (clock, threads, hex, percent-encoding, JSON,
# Problem) is for everyone. The arrows point one way: HTTP -> Gateway -> POP3 client and MIME -> POP3.
# GatewayHTTP still reads POP3 and MIME types that Gateway hands out; that leak is the next to go, and
# then they leave its row.
declare -A allowed=(
    [Basics]=""
    [POP3]="Basics"
    [POP3Client]="Basics POP3 COpenSSL"
    [MIME]="Basics CGMime"
    [Gateway]="Basics POP3 POP3Client MIME"
    [HTTPServer]="Basics CMicroHTTPD"
    [GatewayHTTP]="Basics Gateway HTTPServer POP3 MIME"
    [pop3-gateway]="Basics POP3 POP3Client MIME Gateway HTTPServer GatewayHTTP"
    [CGMime]=""
    [CMicroHTTPD]=""
    [COpenSSL]=""
)
# The project's modules: every target under Sources/ (an executable's module name has _ for -).
project=()
for directory in Sources/*/; do
    target=$(basename "$directory")
    project+=("${target//-/_}")
    [[ -v allowed[$target] ]] || {
        echo "check-imports: Sources/$target has no row in scripts/check-imports.sh" >&2
        exit 1
    }
done

failures=0
declare -A importers=()
for directory in Sources/*/; do
    target=$(basename "$directory")
    # file:line:module for each import line (with attributes, access level, or a declaration kind).
    while IFS=: read -r file line module; do
        [[ " ${project[*]} " == *" $module "* ]] || continue
        importers[$module]+="$target "
        if [[ " ${allowed[$target]} " != *" $module "* ]]; then
            echo "FAIL $file:$line: $target imports $module, which its row does not allow"
            failures=$((failures + 1))
        fi
    done < <(grep -rnE --include='*.swift' \
        '^\s*(@[A-Za-z_]+\s+)*((public|package|internal|fileprivate|private)\s+)?import\s+((struct|class|enum|protocol|typealias|func|var|let)\s+)?[A-Za-z_]' \
        "$directory" |
        sed -E 's/^([^:]*):([0-9]+):.*import\s+((struct|class|enum|protocol|typealias|func|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*).*/\1:\2:\5/')
done

for library in CGMime CMicroHTTPD COpenSSL; do
    read -r -a users <<<"$(tr ' ' '\n' <<<"${importers[$library]:-}" | sort -u | tr '\n' ' ')"
    if [[ ${#users[@]} -ne 1 ]]; then
        echo "FAIL $library is imported by ${#users[@]} targets (${users[*]:-none}); a C library has one Swift importer"
        failures=$((failures + 1))
    fi
done

if ((failures > 0)); then
    echo "check-imports: $failures import(s) across the rule" >&2
    exit 1
fi
echo "check-imports: every target imports only what its row allows; each C library has one importer"
