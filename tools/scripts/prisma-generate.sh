#!/usr/bin/env bash
# Generates the Prisma client offline: the CLI insists on a schema engine binary it would download,
# so point it at a stub (generate does not use the engine; migrations go through tools/migrate).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$root/tools/prisma/schema-engine-stub}"
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
cd "$root/libs/platform/prisma"
"$root/node_modules/.bin/prisma" generate --config prisma.config.ts >/dev/null
echo "prisma: client generated (libs/platform/prisma/src/generated)"
