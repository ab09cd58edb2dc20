#!/usr/bin/env bash
# The Debian packages the test suite needs beyond Python: Chromium for the browser tests,
# npm for axe-core, DejaVu fonts for the demo's facsimiles, Tesseract with its English,
# Russian and Chinese data for OCR and a Chinese font for its tests (docs/ocr.md). Installs
# the missing ones when it can (root with apt-get); otherwise stops at once with the one
# command to run, instead of a suite full of browser-test errors.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(npm)
# the demo's facsimile page images are set in DejaVu Serif (Cyrillic)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need+=(fonts-dejavu-core)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
for lang in eng rus chi-sim chi-tra; do
  [ -f "/usr/share/tesseract-ocr/5/tessdata/${lang/-/_}.traineddata" ] || need+=("tesseract-ocr-$lang")
done
# A Chinese font: the OCR tests draw Chinese pages (Latin and Cyrillic come with DejaVu).
fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages the tests need: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
  exit 0
fi
echo "The tests need Debian packages that are missing: ${need[*]}." >&2
echo "Install them with:  sudo apt-get install ${need[*]}" >&2
exit 1
