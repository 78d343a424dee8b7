-- Issue 13, item 2: erasure records (soft delete at once, hard delete by a job, a completion
-- report) and keyed-hash tombstones that keep erased facts from being re-extracted.

-- CreateTable
CREATE TABLE "memory_erasures" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_key" TEXT NOT NULL,
    "user_id" TEXT,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "memory_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "session_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "report" JSONB,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memory_erasures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memory_tombstones" (
    "tenant_id" UUID NOT NULL,
    "user_key" TEXT NOT NULL,
    "fact_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memory_tombstones_pkey" PRIMARY KEY ("tenant_id","user_key","fact_key")
);

-- CreateIndex
CREATE INDEX "memory_erasures_status_updated_at_idx" ON "memory_erasures"("status", "updated_at");

-- CreateIndex
CREATE INDEX "memory_erasures_tenant_id_user_key_idx" ON "memory_erasures"("tenant_id", "user_key");

-- AddForeignKey
ALTER TABLE "memory_erasures" ADD CONSTRAINT "memory_erasures_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memory_tombstones" ADD CONSTRAINT "memory_tombstones_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
