#!/usr/bin/env bash
# npm test: install if needed, services, migrate, then lint + test + build every project.
source "$(dirname "$0")/common.sh"
ensure_install
ensure_system_packages
services_up
migrate
echo "==> nx run-many -t lint test build"
log="$(mktemp)"
set +e
# a bound on the whole run (CI's own limit is 90 min; a clean run takes ~20): a hang ends with a verdict
timeout --signal=TERM --kill-after=60 "${TEST_TIMEOUT_S:-4200}" \
  npx nx run-many -t lint test build --parallel="${NX_PARALLEL:-2}" --outputStyle=static "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
node tools/scripts/summarize-tests.mjs "$log" || true
rm -f "$log"
exit "$status"
