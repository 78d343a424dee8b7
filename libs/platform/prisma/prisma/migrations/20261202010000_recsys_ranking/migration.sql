-- Ranking (issue 12 item 4): recsys-api replicas keep their copy of the item catalogue current by
-- reading the items changed since their watermark (`updated_at > $w ORDER BY updated_at, id`, every
-- second and on each items-changed message), and the index build pages through a tenant's items the
-- same way. Without this index each poll scanned all of a tenant's items.

-- CreateIndex
CREATE INDEX "recsys_items_tenant_id_updated_at_id_idx" ON "recsys_items"("tenant_id", "updated_at", "id");
