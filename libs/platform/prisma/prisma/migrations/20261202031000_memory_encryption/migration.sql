-- Issue 13, item 3: per-user data keys for encryption at rest, stored wrapped by a master key
-- (which never enters the database). Existing plaintext rows stay readable and are sealed by the
-- backfill (`npm run memory-keys -- encrypt-backfill`) or when rewritten.

-- CreateTable
CREATE TABLE "memory_data_keys" (
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rewrapped_at" TIMESTAMPTZ(3),

    CONSTRAINT "memory_data_keys_pkey" PRIMARY KEY ("tenant_id","user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "memory_data_keys_key_id_key" ON "memory_data_keys"("key_id");

-- CreateIndex
CREATE INDEX "memory_data_keys_master_key_id_idx" ON "memory_data_keys"("master_key_id");

-- AddForeignKey
ALTER TABLE "memory_data_keys" ADD CONSTRAINT "memory_data_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
