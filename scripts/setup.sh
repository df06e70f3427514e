#!/usr/bin/env bash
# Prepare this machine: Debian packages (LibreOffice, fonts, poppler) when missing, then the .venv.
# Installing packages needs root: run as root, or have sudo (it will ask for your password).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libreoffice-writer-nogui python3-uno fonts-liberation2 fonts-croscore fonts-dejavu-core poppler-utils)
[ -n "${EXTRA_APT_PACKAGES:-}" ] && read -r -a extra <<<"$EXTRA_APT_PACKAGES" && APT_PACKAGES+=("${extra[@]}")

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo ">> Cài gói Debian còn thiếu: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo ">> Tạo môi trường ảo .venv"
  "$PYTHON" -m venv .venv
fi
# A server gets requirements.txt only; `make test` and `make bench` ask for requirements-dev.txt (pytest, Playwright,
# moto, Locust), which includes it.
REQUIREMENTS="${REQUIREMENTS:-requirements.txt}"
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)
want="$REQUIREMENTS:$want"
if [ ! -f "$stamp" ] || ! grep -qxF -e "$want" -e "requirements-dev.txt:${want#*:}" "$stamp"; then
  echo ">> Cài thư viện Python ($REQUIREMENTS)"
  .venv/bin/pip install -q --disable-pip-version-check -r "$REQUIREMENTS"
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .  # the project itself (pyproject.toml)
  echo "$want" > "$stamp"
fi
