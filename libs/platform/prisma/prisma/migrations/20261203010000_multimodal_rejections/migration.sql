-- Requests chat-gateway refused, per key, UTC day and reason (issue 16: the console's Spend page).

-- CreateTable
CREATE TABLE "multimodal_rejections" (
    "key_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "reason" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "last_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "multimodal_rejections_pkey" PRIMARY KEY ("key_id","day","reason"),
    CONSTRAINT "multimodal_rejections_count_check" CHECK ("count" >= 0)
);

-- CreateIndex
CREATE INDEX "multimodal_rejections_tenant_id_day_idx" ON "multimodal_rejections"("tenant_id", "day");

-- AddForeignKey
ALTER TABLE "multimodal_rejections" ADD CONSTRAINT "multimodal_rejections_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
