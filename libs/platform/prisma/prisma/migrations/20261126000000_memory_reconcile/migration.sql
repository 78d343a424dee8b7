-- Issue 10, items 2 and 3: the reconciler finds sessions left unprocessed (status received or
-- processing, unchanged for a while) and queues them again; a session records how it is extracted
-- so whoever runs it extracts it the same way; the newest fact of a user is found by index.

-- AlterTable
ALTER TABLE "memory_sessions" ADD COLUMN     "extract_mode" TEXT NOT NULL DEFAULT 'auto',
ADD COLUMN     "requeues" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- rows stored before this migration: unchanged since they were stored
UPDATE "memory_sessions" SET "updated_at" = "created_at";

-- CreateIndex
CREATE INDEX "memory_sessions_status_updated_at_idx" ON "memory_sessions"("status", "updated_at");

-- CreateIndex
CREATE INDEX "memories_tenant_id_user_id_created_at_idx" ON "memories"("tenant_id", "user_id", "created_at");
