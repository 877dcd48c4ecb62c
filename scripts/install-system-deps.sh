#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing:
# PostgreSQL and Redis servers, Chromium for the browser tests, Pango for
# WeasyPrint, poppler-utils for looking at PDFs, faketime for `make test-dates`,
# gettext for the translation catalogue check.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
ldconfig -p | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
command -v faketime >/dev/null || missing+=(faketime)
# makemessages (xgettext, msgmerge) for the catalogue check in tests/civic.
command -v xgettext >/dev/null || missing+=(gettext)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "Not root: run  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
