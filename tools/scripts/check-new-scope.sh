#!/usr/bin/env bash
# Proves that a freshly generated scope passes lint, test and build untouched, without leaving it
# in this checkout: a scratch git worktree at HEAD (plus this checkout's generator, root eslint
# config and package.json, so uncommitted changes to them are what gets checked) shares
# node_modules by symlink, `npm run new-scope -- <scope>` runs there, then
#   nx run-many -t lint test build -p <the six projects>
# and platform-prisma's tests (the schema-coverage test must accept the new scope file).
# Needs Postgres and Redis (npm run services). Takes minutes. The worktree is removed at the end
# (KEEP=1 keeps it), and so is the template database the new migration set created.
#   bash tools/scripts/check-new-scope.sh [scope]    (default: sample)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
scope="${1:-sample}"
work="$(mktemp -d "${TMPDIR:-/tmp}/new-scope-check.XXXXXX")"
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false TZ=UTC

cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then
    # the template database of this migration set (frontier_tpl_<fingerprint>) exists only here
    if [ -n "${template:-}" ]; then
      node -e "const {Client}=require('pg');const u=new URL(process.env.DATABASE_URL||'postgresql://postgres@127.0.0.1:5432/frontier');u.pathname='/postgres';const c=new Client({connectionString:u.toString()});c.connect().then(()=>c.query('ALTER DATABASE \"$template\" WITH IS_TEMPLATE false')).then(()=>c.query('DROP DATABASE \"$template\" WITH (FORCE)')).finally(()=>c.end())" 2>/dev/null || true
    fi
    git -C "$root" worktree remove --force "$work/repo" 2>/dev/null || true
    rm -rf "$work"
  else
    echo "kept: $work/repo"
  fi
}
trap cleanup EXIT

git -C "$root" worktree add --detach "$work/repo" HEAD >/dev/null
cd "$work/repo"
ln -s "$root/node_modules" node_modules
for f in tools/scripts/new-scope.mjs tools/scripts/new-project.mjs eslint.config.mjs package.json; do cp "$root/$f" "$f"; done

echo "==> npm run new-scope -- $scope (in $work/repo)"
node tools/scripts/new-scope.mjs "$scope"
template="frontier_tpl_$(node -r @swc-node/register -e "console.log(require('./libs/platform/prisma/src/migrations').migrationsFingerprint())")"

projects="$scope-contracts,$scope-domain,$scope-data-access,$scope-nest,$scope-api,$scope-worker"
echo "==> nx run-many -t lint test build -p $projects"
npx nx run-many -t lint test build -p "$projects" --parallel="${NX_PARALLEL:-2}" --outputStyle=static
echo "==> nx run platform-prisma:test"
npx nx run platform-prisma:test --outputStyle=static
echo "==> generated scope $scope passes lint, test and build"
