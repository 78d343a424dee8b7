# Shared by test.sh, demo.sh and bench.sh: install when needed, bring services up, migrate.
# Sourced, not run. Leaves DATABASE_URL / REDIS_URL exported and stops what it started on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false NX_SKIP_NX_CACHE="${NX_SKIP_NX_CACHE:-}" TZ=UTC
export ONNXRUNTIME_NODE_INSTALL=skip npm_config_loglevel="${npm_config_loglevel:-error}"

ensure_install() {
  local stamp="node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    echo "==> npm install (dependencies missing or out of date)"
    # not `npm ci`: the registry mirror here serves no macOS/Windows builds, so the lock file has
    # no entries for those optional packages and `npm ci` refuses it; `npm install` honours the
    # lock for everything it does list
    npm install --no-audit --no-fund
  fi
  # one schema folder, a file per scope: regenerate when the client is missing or any file is newer
  local client=libs/platform/prisma/src/generated/prisma/client.ts
  if [ ! -f "$client" ] || [ -n "$(find libs/platform/prisma/prisma/schema -name '*.prisma' -newer "$client" 2>/dev/null)" ]; then
    bash tools/scripts/prisma-generate.sh
  fi
}

# Debian tools the ML tests use to make real media: espeak-ng (speech), sox (audio), pocketsphinx
# (the weak offline ASR), ffmpeg (test video and container probing). Installed with apt when missing and root; tests that need one say so
# and fail clearly when it is absent.
SYSTEM_PACKAGES=(espeak-ng:espeak-ng sox:sox ffmpeg:ffprobe pocketsphinx:pocketsphinx_continuous pocketsphinx-en-us:/usr/share/pocketsphinx/model/en-us chromium:/usr/bin/chromium)
ensure_system_packages() {
  local missing=() pkg probe
  for entry in "${SYSTEM_PACKAGES[@]}"; do
    pkg="${entry%%:*}" probe="${entry#*:}"
    if [[ "$probe" == /* ]]; then [ -e "$probe" ] || missing+=("$pkg"); else command -v "$probe" >/dev/null || missing+=("$pkg"); fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null; }
  else
    echo "warning: missing Debian packages ${missing[*]} (install them: apt-get install ${missing[*]})" >&2
  fi
}

services_up() {
  echo "==> services"
  local env
  env="$(bash tools/services/services.sh up)"
  set -a
  eval "$env"
  set +a
  trap 'bash "$root/tools/services/services.sh" down' EXIT
}

migrate() {
  echo "==> migrate"
  node -r @swc-node/register tools/migrate/migrate.ts
}
