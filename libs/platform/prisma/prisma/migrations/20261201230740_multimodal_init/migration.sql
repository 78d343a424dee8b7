-- CreateTable
CREATE TABLE "multimodal_items" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "multimodal_items_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "multimodal_items_tenant_id_created_at_idx" ON "multimodal_items"("tenant_id", "created_at");

-- AddForeignKey
ALTER TABLE "multimodal_items" ADD CONSTRAINT "multimodal_items_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
