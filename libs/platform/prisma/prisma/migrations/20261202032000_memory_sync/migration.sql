-- Issue 13, item 5: cross-device sync — a change log written in the same transaction as each
-- change (no text; tombstones keep a keyed hash of the id), per-device version-vector entries,
-- per-user sync keys. Item 4: memory's per-tenant settings (sensitive-attribute policy).

CREATE TABLE "memory_sync_changes" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "counter" INTEGER NOT NULL,
    "memory_id" UUID,
    "memory_ref" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "edited_at" TIMESTAMPTZ(3) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memory_sync_changes_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "memory_sync_changes_tenant_id_user_id_device_id_counter_key" ON "memory_sync_changes"("tenant_id", "user_id", "device_id", "counter");
CREATE INDEX "memory_sync_changes_tenant_id_user_id_id_idx" ON "memory_sync_changes"("tenant_id", "user_id", "id");
CREATE INDEX "memory_sync_changes_memory_id_idx" ON "memory_sync_changes"("memory_id");
-- a hard-deleted memory leaves no id behind in the log (the keyed hash stays)
ALTER TABLE "memory_sync_changes" ADD CONSTRAINT "memory_sync_changes_memory_id_fkey" FOREIGN KEY ("memory_id") REFERENCES "memories"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "memory_sync_changes" ADD CONSTRAINT "memory_sync_changes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "memory_sync_devices" (
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "counter" INTEGER NOT NULL DEFAULT 0,
    "floor" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memory_sync_devices_pkey" PRIMARY KEY ("tenant_id", "user_id", "device_id")
);
ALTER TABLE "memory_sync_devices" ADD CONSTRAINT "memory_sync_devices_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "memory_sync_keys" (
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "key" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memory_sync_keys_pkey" PRIMARY KEY ("tenant_id", "user_id")
);
ALTER TABLE "memory_sync_keys" ADD CONSTRAINT "memory_sync_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "memory_tenant_settings" (
    "tenant_id" UUID NOT NULL,
    "sensitive_policy" TEXT NOT NULL DEFAULT 'explicit-only',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memory_tenant_settings_pkey" PRIMARY KEY ("tenant_id"),
    CONSTRAINT "memory_tenant_settings_policy_check" CHECK ("sensitive_policy" IN ('allow', 'explicit-only', 'never'))
);
ALTER TABLE "memory_tenant_settings" ADD CONSTRAINT "memory_tenant_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
