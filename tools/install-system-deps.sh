#!/usr/bin/env bash
# Debian packages the tests use: a real browser, a real web server, CJK fonts, npm (axe-core),
# poppler (PDF → PNG, pdffonts), ZBar.
# Installs only what is missing, so a prepared machine pays nothing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v npm >/dev/null 2>&1 || need+=(npm)  # installs axe-core for the accessibility tests
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# ZBar, the second QR decoder of the tests (pyzbar loads it).
[ -e /usr/lib/x86_64-linux-gnu/libzbar.so.0 ] || ldconfig -p 2>/dev/null | grep -q 'libzbar\.so\.0' || need+=(libzbar0)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
