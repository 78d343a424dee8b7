#!/usr/bin/env bash
# npm run demo: install if needed, services, migrate, then show Frontier working (tools/demo).
source "$(dirname "$0")/common.sh"
ensure_install
ensure_system_packages
services_up
migrate
node -r @swc-node/register tools/demo/demo.ts "$@"
