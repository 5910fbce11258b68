#!/usr/bin/env bash
# Debian's chromium (for the PWA's e2e tests), postgresql (for the relay's
# Postgres tests) and openssl (throwaway certificates for the HTTPS tests). Installs whichever is missing, non-interactively, when this
# shell may; otherwise says what to install and fails.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v openssl >/dev/null || need+=(openssl)
[ ${#need[@]} -eq 0 ] && { echo "system packages present: chromium, postgresql, openssl"; exit 0; }
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "missing Debian packages: ${need[*]} (install them: apt-get install -y ${need[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
