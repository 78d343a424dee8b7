-- Multimodal async jobs (issue 15): a long video turned into context out of the request path. The
-- row is the truth; the queue only carries the id; the clip's bytes are kept until the job ends.

-- CreateTable
CREATE TABLE "multimodal_jobs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "key_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "part" TEXT NOT NULL,
    "input" BYTEA,
    "params" JSONB NOT NULL,
    "result" JSONB,
    "error" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "webhook_url" TEXT,
    "webhook_sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "multimodal_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "multimodal_jobs_status_updated_at_idx" ON "multimodal_jobs"("status", "updated_at");

-- CreateIndex
CREATE INDEX "multimodal_jobs_tenant_id_created_at_idx" ON "multimodal_jobs"("tenant_id", "created_at");

-- AddForeignKey
ALTER TABLE "multimodal_jobs" ADD CONSTRAINT "multimodal_jobs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
