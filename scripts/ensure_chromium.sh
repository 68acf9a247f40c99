#!/usr/bin/env bash
# Makes sure Debian's chromium is there for the browser test (tests/e2e/test_web_widget.py drives
# /usr/bin/chromium through Playwright; never `playwright install`, which downloads a browser),
# with a Chinese font so the page's text renders and Noto's colour emoji (the greeting's 😊 and a
# merchant's 👍 render as emoji, not boxes, in the browser test's screenshots): installs them when
# root and missing.
set -euo pipefail
installed() {
  [ -x /usr/bin/chromium ] && fc-list :lang=zh 2>/dev/null | grep -q . \
    && fc-list 2>/dev/null | grep -q "Noto Color Emoji"
}
installed && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "chromium: installing Debian's chromium, fonts-noto-cjk and fonts-noto-color-emoji"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null
else
  echo "chromium: /usr/bin/chromium, a Chinese font or the emoji font is missing and cannot be installed (not root)." >&2
  echo "          Install them: sudo apt-get install chromium fonts-noto-cjk fonts-noto-color-emoji" >&2
  exit 1
fi
