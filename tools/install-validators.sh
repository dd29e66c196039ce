#!/usr/bin/env bash
# Installs the real validators that tests/validators runs on the built site:
#   - Debian: chromium (axe-core and Lighthouse drive it), chromium-driver, poppler-utils,
#     nginx and libnginx-mod-http-brotli-static (tests/test_nginx.py)
#   - npm (tools/package-lock.json): vnu-jar, playwright-core, @axe-core/playwright, lighthouse
# Idempotent and fast when everything is already there (no network at all then).
# Never downloads a browser: playwright-core and Lighthouse use /usr/bin/chromium.
# Needs root (or sudo) only when the Debian packages are missing, as in CI.
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages: installed when any one of them is missing.
#   nginx + libnginx-mod-http-brotli-static: tests/test_nginx.py runs the site's generated
#   nginx configuration (_server/nginx.conf) with its precompressed .br files.
PACKAGES=(chromium chromium-driver poppler-utils nginx libnginx-mod-http-brotli-static)
MISSING=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    MISSING+=("$pkg")
  fi
done
if [ "${#MISSING[@]}" -gt 0 ]; then
  echo "install-validators: installing ${MISSING[*]} (apt)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${MISSING[@]}"
fi

for tool in node npm java; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-validators: '$tool' is missing (need node >= 20 with npm, and Java >= 11)" >&2
    exit 1
  fi
done

# Re-install when node_modules is missing, incomplete (npm's own record of it is gone, as
# after an interrupted install) or older than the lock file.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime when none is
# found; we use the machine's Java, and no package needs an install script.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules ] \
  || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  echo "install-validators: npm ci --prefix tools"
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  npm ci --ignore-scripts --no-audit --no-fund
  touch node_modules
fi

test -f node_modules/vnu-jar/build/dist/vnu.jar
echo "install-validators: ready (chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1))"
