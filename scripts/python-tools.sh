#!/usr/bin/env bash
# The Python tools the tests use (schemathesis, openapi-spec-validator, openapi-python-client, hadolint,
# jsonschema), in a virtual environment of the repository's own, .venv-tools/ (git-ignored), never in the
# system Python:
# Debian 12's is externally managed (PEP 668). Every package is pinned in scripts/python-tools.txt; the
# environment is made again when that file changes, and otherwise reused as it is.
#   scripts/python-tools.sh          make or refresh .venv-tools/, then print its python's path
# The environment is made with Debian's /usr/bin/python3 (python3-venv; scripts/install-deps.sh --test
# installs it) where there is one, else with the python3 on PATH; POP3GW_PYTHON names another.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$PWD/.venv-tools
requirements=scripts/python-tools.txt

if [[ -x $venv/bin/python ]] && cmp -s "$requirements" "$venv/requirements.txt"; then
    printf '%s\n' "$venv/bin/python"
    exit 0
fi

base=${POP3GW_PYTHON:-}
if [[ -z $base ]]; then
    if [[ -x /usr/bin/python3 ]]; then base=/usr/bin/python3; else base=$(command -v python3); fi
fi
echo "== Python tools into $venv (from $base, pinned in $requirements)" >&2
rm -rf "$venv"
"$base" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$requirements" >&2
cp "$requirements" "$venv/requirements.txt"
printf '%s\n' "$venv/bin/python"
