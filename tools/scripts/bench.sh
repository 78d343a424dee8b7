#!/usr/bin/env bash
# npm run bench [-- <nx args>]: runs every project's `bench` target (see docs/benchmarks.md).
#   npm run bench                       all benchmarks
#   npm run bench -- -p recsys-domain   one project's
source "$(dirname "$0")/common.sh"
ensure_install
if [ "$#" -gt 0 ] && [ "$1" = "-p" ]; then
  shift
  exec npx nx run "$1:bench" --outputStyle=static "${@:2}"
fi
npx nx run-many -t bench --parallel=1 --outputStyle=static "$@"
