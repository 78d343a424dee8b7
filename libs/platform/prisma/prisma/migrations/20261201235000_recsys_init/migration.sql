-- The recommender (issue 12): items, users (created on first event), event batches and events (the
-- truth the Redis feature store is derived from), the impression log (range-partitioned by day on
-- shown_at, UTC) and model versions. Everything goes with its tenant.

-- CreateTable
CREATE TABLE "recsys_items" (
    "tenant_id" UUID NOT NULL,
    "id" TEXT NOT NULL,
    "creator" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "text" TEXT NOT NULL DEFAULT '',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "embedding" BYTEA,
    "embedding_dim" INTEGER,
    "embedding_model" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "recsys_items_pkey" PRIMARY KEY ("tenant_id","id"),
    CONSTRAINT "recsys_items_embedding_dim_check" CHECK (("embedding" IS NULL AND "embedding_dim" IS NULL) OR ("embedding" IS NOT NULL AND "embedding_dim" > 0 AND octet_length("embedding") = 4 * "embedding_dim"))
);

-- CreateTable
CREATE TABLE "recsys_users" (
    "tenant_id" UUID NOT NULL,
    "id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recsys_users_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "recsys_event_batches" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "events" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "featured_at" TIMESTAMPTZ(3),
    "item_run" UUID,
    "item_applied_at" TIMESTAMPTZ(3),

    CONSTRAINT "recsys_event_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recsys_events" (
    "tenant_id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "batch_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "item_id" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "watch_seconds" DOUBLE PRECISION,
    "surface" TEXT,
    "request_id" UUID,
    "position" INTEGER,
    "propensity" DOUBLE PRECISION,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "flag_reason" TEXT,

    CONSTRAINT "recsys_events_pkey" PRIMARY KEY ("tenant_id","event_id"),
    CONSTRAINT "recsys_events_type_check" CHECK ("type" IN ('impression', 'click', 'skip', 'watch', 'purchase')),
    CONSTRAINT "recsys_events_watch_seconds_check" CHECK ("watch_seconds" IS NULL OR "watch_seconds" >= 0)
);

-- CreateTable (partitioned: Prisma reads and writes it as a plain table)
CREATE TABLE "recsys_impressions" (
    "request_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "item_id" TEXT NOT NULL,
    "surface" TEXT NOT NULL,
    "model_version" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "propensity" DOUBLE PRECISION NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "explored" BOOLEAN NOT NULL DEFAULT false,
    "shown_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "recsys_impressions_pkey" PRIMARY KEY ("request_id","position","shown_at"),
    CONSTRAINT "recsys_impressions_propensity_check" CHECK ("propensity" > 0 AND "propensity" <= 1),
    CONSTRAINT "recsys_impressions_position_check" CHECK ("position" >= 0)
) PARTITION BY RANGE ("shown_at");

-- Rows for a day with no partition yet land here (never refused); creating that day's partition
-- moves them out.
CREATE TABLE "recsys_impressions_default" PARTITION OF "recsys_impressions" DEFAULT;

-- CreateTable
CREATE TABLE "recsys_model_versions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'candidate',
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "weights" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "promoted_at" TIMESTAMPTZ(3),

    CONSTRAINT "recsys_model_versions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "recsys_model_versions_state_check" CHECK ("state" IN ('candidate', 'live', 'retired', 'rejected'))
);

-- CreateIndex
CREATE INDEX "recsys_items_tenant_id_created_at_idx" ON "recsys_items"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "recsys_event_batches_featured_at_created_at_idx" ON "recsys_event_batches"("featured_at", "created_at");

-- CreateIndex
CREATE INDEX "recsys_event_batches_item_run_idx" ON "recsys_event_batches"("item_run");

-- CreateIndex
CREATE INDEX "recsys_events_batch_id_idx" ON "recsys_events"("batch_id");

-- CreateIndex
CREATE INDEX "recsys_events_tenant_id_at_idx" ON "recsys_events"("tenant_id", "at");

-- CreateIndex
CREATE INDEX "recsys_impressions_tenant_id_shown_at_idx" ON "recsys_impressions"("tenant_id", "shown_at");

-- CreateIndex
CREATE UNIQUE INDEX "recsys_model_versions_tenant_id_kind_version_key" ON "recsys_model_versions"("tenant_id", "kind", "version");

-- One live model per tenant and kind: promoting is "retire the live one, then set the candidate live"
-- in one transaction.
CREATE UNIQUE INDEX "recsys_model_versions_one_live_idx" ON "recsys_model_versions"("tenant_id", "kind") WHERE "state" = 'live';

-- AddForeignKey
ALTER TABLE "recsys_items" ADD CONSTRAINT "recsys_items_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recsys_users" ADD CONSTRAINT "recsys_users_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recsys_event_batches" ADD CONSTRAINT "recsys_event_batches_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recsys_events" ADD CONSTRAINT "recsys_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recsys_impressions" ADD CONSTRAINT "recsys_impressions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recsys_model_versions" ADD CONSTRAINT "recsys_model_versions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Day partitions of recsys_impressions: one per UTC day [d, d + 1) for each of `p_days` days from
-- `p_from`, named recsys_impressions_YYYYMMDD. Rows the default partition holds for such a day are
-- moved into it first (the default is locked meanwhile, so none slip in between). Idempotent;
-- returns how many partitions it created. recsys-worker runs it daily (today .. today + 2) and at boot.
CREATE FUNCTION "recsys_ensure_impression_partitions"(p_from DATE, p_days INTEGER) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    d DATE;
    part TEXT;
    lo TIMESTAMPTZ;
    hi TIMESTAMPTZ;
    created INTEGER := 0;
BEGIN
    FOR i IN 0 .. p_days - 1 LOOP
        d := p_from + i;
        part := 'recsys_impressions_' || to_char(d, 'YYYYMMDD');
        IF to_regclass(quote_ident(part)) IS NULL THEN
            lo := d::timestamp AT TIME ZONE 'UTC';
            hi := (d + 1)::timestamp AT TIME ZONE 'UTC';
            LOCK TABLE "recsys_impressions_default" IN EXCLUSIVE MODE;
            EXECUTE format('CREATE TABLE %I (LIKE "recsys_impressions" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
            EXECUTE format('WITH moved AS (DELETE FROM "recsys_impressions_default" WHERE "shown_at" >= %L AND "shown_at" < %L RETURNING *) INSERT INTO %I SELECT * FROM moved', lo, hi, part);
            EXECUTE format('ALTER TABLE "recsys_impressions" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END;
$$;

-- Yesterday .. tomorrow at migration time; later days come from recsys-worker's daily job.
SELECT "recsys_ensure_impression_partitions"((now() AT TIME ZONE 'UTC')::date - 1, 3);
