-- Issue 14, item 6 (Mem0 parity, part 2): the client's metadata (jsonb, in clear so Mem0 filters
-- compile to SQL), custom categories, app_id, and updated_at kept by a trigger.

ALTER TABLE "memory_sessions" ADD COLUMN "app_id" TEXT;
ALTER TABLE "memory_sessions" ADD COLUMN "metadata" JSONB;
ALTER TABLE "memory_sessions" ADD COLUMN "custom_categories" JSONB;

ALTER TABLE "memories" ADD COLUMN "user_metadata" JSONB;
ALTER TABLE "memories" ADD COLUMN "categories" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

ALTER TABLE "memory_tenant_settings" ADD COLUMN "custom_categories" JSONB;

-- Filters on metadata keys (jsonb_path_ops serves @> containment; other operators scan the
-- user's rows, already narrowed by the (tenant_id, user_id, deleted_at) index).
CREATE INDEX "memories_user_metadata_idx" ON "memories" USING GIN ("user_metadata" jsonb_path_ops);

-- updated_at = the last change of what is served. Until now Prisma's @updatedAt moved it on
-- every write, a retrieval count included; backfill from the memory's history, then keep it
-- with a trigger (raw SQL writes included).
UPDATE "memories" m SET "updated_at" = GREATEST(m."created_at", COALESCE(
  (SELECT max(e."at") FROM "memory_events" e WHERE e."memory_id" = m."id"), m."created_at"));

CREATE OR REPLACE FUNCTION "memories_touch_updated_at"() RETURNS trigger AS $$
BEGIN
  IF NEW."text" IS DISTINCT FROM OLD."text"
     OR NEW."type" IS DISTINCT FROM OLD."type"
     OR NEW."confidence" IS DISTINCT FROM OLD."confidence"
     OR NEW."user_metadata" IS DISTINCT FROM OLD."user_metadata"
     OR NEW."categories" IS DISTINCT FROM OLD."categories"
     OR NEW."valid_at" IS DISTINCT FROM OLD."valid_at"
     OR NEW."invalid_at" IS DISTINCT FROM OLD."invalid_at"
     OR NEW."expired_at" IS DISTINCT FROM OLD."expired_at"
     OR NEW."superseded_by_id" IS DISTINCT FROM OLD."superseded_by_id"
     OR NEW."deleted_at" IS DISTINCT FROM OLD."deleted_at" THEN
    NEW."updated_at" := clock_timestamp();
  ELSE
    NEW."updated_at" := OLD."updated_at";
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "memories_touch_updated_at" BEFORE UPDATE ON "memories"
  FOR EACH ROW EXECUTE FUNCTION "memories_touch_updated_at"();
