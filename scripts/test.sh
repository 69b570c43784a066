#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (Debian packages with apt, the Python
# tools into .venv-tools/), checks formatting, builds with warnings as errors, starts a private Dovecot
# on loopback, runs every test, fuzzes the API against openapi.yaml (scripts/api-fuzz.sh), generates
# clients from it and runs them against the gateway (scripts/client-test.sh), and stops Dovecot.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
python=$(scripts/python-tools.sh)
tools=$(dirname "$python")

echo "== swift format lint --strict"
swift format lint --strict --recursive Package.swift Sources Tests bench Fuzz \
    clients/swift/Package.swift clients/swift/generator/Package.swift clients/swift/Sources

echo "== the dependency rule (import lines of each target)"
scripts/check-imports.sh

echo "== ruff (clients/python)"
"$tools/ruff" check --line-length 120 --select E,F,W,I,UP clients/python
"$tools/ruff" format --line-length 120 --check clients/python

echo "== openapi.yaml is a valid OpenAPI 3.1 document"
"$python" -m openapi_spec_validator openapi.yaml

echo "== hadolint Dockerfile"
"$tools/hadolint" Dockerfile

echo "== build (warnings are errors)"
swift build --build-tests -Xswiftc -warnings-as-errors

echo "== test POP3 server"
trap 'scripts/pop3-test-server.sh stop' EXIT
scripts/pop3-test-server.sh start

echo "== swift test"
swift test --skip-build --disable-xctest

echo "== API fuzzing (schemathesis against openapi.yaml)"
scripts/api-fuzz.sh

echo "== generated clients (swift-openapi-generator, openapi-python-client) against the gateway"
scripts/client-test.sh

echo "== pop3-gateway check against the test server"
scripts/check-smoke-test.sh
