#!/usr/bin/env bash
# One-time, idempotent set-up on a fresh Debian machine: system packages, then .venv.
# Usage: bash scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PKGS=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-script-latn tesseract-ocr-script-viet
          poppler-utils fonts-liberation2 fonts-noto-core)
# The test suite also drives real engines: PostgreSQL, Redis, Chromium, LibreOffice.
DEV_APT_PKGS=(postgresql redis-server chromium chromium-driver libreoffice-writer-nogui fonts-dejavu-core)
[ "${1:-}" = "--dev" ] && APT_PKGS+=("${DEV_APT_PKGS[@]}")
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PY" -m venv .venv
fi
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
stamp=".venv/.kehoach-installed${extra:+-dev}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing kehoach${extra} into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".${extra}"
  touch "$stamp"
fi
