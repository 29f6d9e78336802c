#!/usr/bin/env bash
# Install what the app (and, with --test, the test suite) needs on a fresh Debian machine.
# Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_pkgs=()
# CJK font for the print-ready PNG/PDF export (Chinese must not render as boxes).
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || apt_pkgs+=(fonts-noto-cjk)
if [ "$want_test" = 1 ]; then
  [ -x /usr/bin/chromium ] || apt_pkgs+=(chromium)
  command -v pg_ctlcluster >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/initdb ] || apt_pkgs+=(postgresql)
  # PostGIS for the store's geometry column and view (data/postgis.py); Debian's package.
  ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || apt_pkgs+=(postgresql-15-postgis-3)
fi
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -r requirements.txt
[ "$want_test" = 1 ] && python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt
exit 0
