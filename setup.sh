#!/usr/bin/env bash
# Set up a machine for Cluster Policy Toolkit Press: Debian packages, a virtualenv in .venv, the project.
# Safe to run again: every step is a no-op when already done.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages: WeasyPrint's Pango/HarfBuzz; the tools the tests use to look at outputs
# (pdftotext/pdffonts, qpdf, LibreOffice for .docx -> PDF, Chromium for the web tool, zbarimg for QR codes);
# Enchant with Hunspell's en-GB dictionary for the prose.spelling check.
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils qpdf libreoffice-writer-nogui chromium zbar-tools libenchant-2-2 hunspell-en-gb"
missing=""
for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
# npm packages read as data (package.json, exact versions in package-lock.json): world-atlas, the country
# shapes of the web tool's map; axe-core, the accessibility engine the site tests run in Chromium.
if ! command -v npm >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --silent
echo "ready: activate with '. .venv/bin/activate', or run '.venv/bin/invoke --list'"
