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
  if [ ! -f libs/platform/prisma/src/generated/prisma/client.ts ] || [ libs/platform/prisma/prisma/schema.prisma -nt libs/platform/prisma/src/generated/prisma/client.ts ]; then
    bash tools/scripts/prisma-generate.sh
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
