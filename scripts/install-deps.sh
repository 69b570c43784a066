#!/usr/bin/env bash
# Installs the Debian packages the gateway builds against and its tests run with, only those missing.
#   scripts/install-deps.sh          build and run: libmicrohttpd, OpenSSL, GMime, pkg-config, curl
#   scripts/install-deps.sh --test   also Dovecot (POP3), openssl (certificates), python3 (test mail,
#                                    poplib baseline) and python3-venv (scripts/python-tools.sh)
set -euo pipefail

packages=(pkg-config libmicrohttpd-dev libssl-dev libgmime-3.0-dev curl)
if [[ "${1:-}" == "--test" ]]; then
    packages+=(dovecot-pop3d openssl python3 python3-venv)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
echo "installing: ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
# Debian starts a system Dovecot on install where it can; the tests never use it.
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
