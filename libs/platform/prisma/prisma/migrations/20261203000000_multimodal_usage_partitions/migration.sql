-- Postgres at volume (issue 17 item 3): day partitions for every append-only log, one generic pair of
-- functions for all of them, and multimodal_usage (billing evidence) range-partitioned by day.
--
-- A partitioned log here is a table RANGE-partitioned on one timestamptz column, with a DEFAULT
-- partition `<table>_default` and one partition per UTC day named `<table>_YYYYMMDD`. Retention drops
-- whole day partitions (O(1), no dead tuples, no vacuum debt) and never deletes row by row.

-- The DEFAULT partition of a partitioned table (NULL when it has none).
CREATE FUNCTION "platform_default_partition"(p_table REGCLASS) RETURNS REGCLASS
LANGUAGE sql STABLE AS $$
    SELECT c.oid::regclass FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = p_table AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'
$$;

-- Day partitions [d, d + 1) (UTC) for each of `p_days` days from `p_from`, named <table>_YYYYMMDD.
-- Rows the default partition holds for such a day are moved into it first (the default is locked
-- meanwhile, so none slip in between); ATTACH builds the partition's indexes. Idempotent; returns how
-- many partitions it created. Callers: the migration runner (today .. today + --partitions-ahead),
-- the workers' daily maintenance jobs, and platform_adopt_default_rows.
CREATE FUNCTION "platform_ensure_day_partitions"(p_table REGCLASS, p_from DATE, p_days INTEGER) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    col TEXT;
    nsp TEXT;
    rel TEXT;
    def REGCLASS;
    d DATE;
    part TEXT;
    lo TIMESTAMPTZ;
    hi TIMESTAMPTZ;
    created INTEGER := 0;
BEGIN
    SELECT a.attname, n.nspname, c.relname INTO col, nsp, rel
    FROM pg_partitioned_table pt
    JOIN pg_class c ON c.oid = pt.partrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
    WHERE pt.partrelid = p_table AND pt.partstrat = 'r' AND pt.partnatts = 1;
    IF col IS NULL THEN
        RAISE EXCEPTION 'platform_ensure_day_partitions: % is not range-partitioned on one column', p_table;
    END IF;
    def := "platform_default_partition"(p_table);
    FOR i IN 0 .. p_days - 1 LOOP
        d := p_from + i;
        part := rel || '_' || to_char(d, 'YYYYMMDD');
        IF to_regclass(format('%I.%I', nsp, part)) IS NULL THEN
            lo := d::timestamp AT TIME ZONE 'UTC';
            hi := (d + 1)::timestamp AT TIME ZONE 'UTC';
            EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', nsp, part, p_table);
            IF def IS NOT NULL THEN
                EXECUTE format('LOCK TABLE %s IN EXCLUSIVE MODE', def);
                EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO %I.%I SELECT * FROM moved',
                               def, col, lo, col, hi, nsp, part);
            END IF;
            EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)', p_table, nsp, part, lo, hi);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END;
$$;

-- Moves every row the default partition holds into a partition of its own day (created for it);
-- returns how many rows were moved. Retention calls it before dropping, so a row that waited in the
-- default partition is dropped only with its day's partition, by name, and counted in the log.
CREATE FUNCTION "platform_adopt_default_rows"(p_table REGCLASS) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    def REGCLASS := "platform_default_partition"(p_table);
    col TEXT;
    n BIGINT;
    d DATE;
BEGIN
    IF def IS NULL THEN
        RETURN 0;
    END IF;
    SELECT a.attname INTO col FROM pg_partitioned_table pt
    JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
    WHERE pt.partrelid = p_table;
    EXECUTE format('SELECT count(*) FROM %s', def) INTO n;
    IF n = 0 THEN
        RETURN 0;
    END IF;
    FOR d IN EXECUTE format('SELECT DISTINCT (%I AT TIME ZONE ''UTC'')::date FROM %s ORDER BY 1', col, def) LOOP
        PERFORM "platform_ensure_day_partitions"(p_table, d, 1);
    END LOOP;
    RETURN n;
END;
$$;

-- Retention: drops the day partitions (<table>_YYYYMMDD) of days before `p_before`; returns their
-- names, oldest first. Rows in the default partition are not touched here (adopt them first).
-- Dropping a partition takes ACCESS EXCLUSIVE on the parent: it waits for running reads of the log
-- (an OPE scan) and, while it waits, holds up new inserts. So it waits 5 s at most (unless the
-- caller set a lock_timeout) and fails; the daily job retries, the writers never stall behind it.
CREATE FUNCTION "platform_drop_day_partitions_before"(p_table REGCLASS, p_before DATE) RETURNS TEXT[]
LANGUAGE plpgsql AS $$
DECLARE
    nsp TEXT;
    rel TEXT;
    part TEXT;
    dropped TEXT[] := '{}';
BEGIN
    IF current_setting('lock_timeout') = '0' THEN
        PERFORM set_config('lock_timeout', '5s', true);
    END IF;
    SELECT n.nspname, c.relname INTO nsp, rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = p_table;
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = p_table
          AND c.relname ~ ('^' || rel || '_[0-9]{8}$')
          AND right(c.relname, 8) < to_char(p_before, 'YYYYMMDD')
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %I.%I', nsp, part);
        dropped := dropped || part;
    END LOOP;
    RETURN dropped;
END;
$$;

-- The day-partitioned logs of this database: tables RANGE-partitioned on one timestamptz column with
-- a default partition named <table>_default (the convention above). The migration runner creates
-- partitions ahead for each of them after applying migrations, so a new log needs no registration.
CREATE FUNCTION "platform_day_partitioned_tables"() RETURNS SETOF REGCLASS
LANGUAGE sql STABLE AS $$
    SELECT c.oid::regclass
    FROM pg_partitioned_table pt
    JOIN pg_class c ON c.oid = pt.partrelid
    JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
    WHERE pt.partstrat = 'r' AND pt.partnatts = 1
      AND a.atttypid = 'timestamptz'::regtype
      AND EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class d ON d.oid = i.inhrelid
                  WHERE i.inhparent = c.oid AND d.relname = c.relname || '_default')
    ORDER BY c.relname
$$;

-- recsys_impressions keeps its function (recsys-worker and older callers use it): now the generic one.
CREATE OR REPLACE FUNCTION "recsys_ensure_impression_partitions"(p_from DATE, p_days INTEGER) RETURNS INTEGER
LANGUAGE sql AS $$
    SELECT "platform_ensure_day_partitions"('"recsys_impressions"'::regclass, p_from, p_days)
$$;

-- multimodal_usage → partitioned by day on created_at (the request's end time). A partitioned table's
-- keys must contain the partition column: the primary key becomes (id, created_at) and the unique
-- usage line (request_id, modality, direction, created_at). The billing writer inserts with
-- ON CONFLICT DO NOTHING (no target) and created_at = the event's ended_at, the same for every
-- expansion of an event, so a repeated expansion still hits the unique index.
ALTER TABLE "multimodal_usage" RENAME TO "multimodal_usage_unpartitioned";
ALTER TABLE "multimodal_usage_unpartitioned" RENAME CONSTRAINT "multimodal_usage_pkey" TO "multimodal_usage_unpartitioned_pkey";
ALTER TABLE "multimodal_usage_unpartitioned" DROP CONSTRAINT "multimodal_usage_event_id_fkey";
ALTER TABLE "multimodal_usage_unpartitioned" DROP CONSTRAINT "multimodal_usage_tenant_id_fkey";
DROP INDEX "multimodal_usage_tenant_id_created_at_idx";
DROP INDEX "multimodal_usage_tenant_id_key_id_created_at_idx";
DROP INDEX "multimodal_usage_tenant_id_modality_created_at_idx";
DROP INDEX "multimodal_usage_event_id_idx";
DROP INDEX "multimodal_usage_request_id_modality_direction_key";

-- CreateTable
CREATE TABLE "multimodal_usage" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "key_id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "modality" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "units" DECIMAL(20,6) NOT NULL,
    "tokens" INTEGER NOT NULL,
    "cost_usd" DECIMAL(18,9) NOT NULL,
    "request_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "multimodal_usage_pkey" PRIMARY KEY ("id","created_at")
) PARTITION BY RANGE ("created_at");

-- Rows for a day with no partition yet land here (never refused); creating that day's partition
-- moves them out.
CREATE TABLE "multimodal_usage_default" PARTITION OF "multimodal_usage" DEFAULT;

-- CreateIndex
CREATE INDEX "multimodal_usage_tenant_id_created_at_idx" ON "multimodal_usage"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "multimodal_usage_tenant_id_key_id_created_at_idx" ON "multimodal_usage"("tenant_id", "key_id", "created_at");

-- CreateIndex
CREATE INDEX "multimodal_usage_tenant_id_modality_created_at_idx" ON "multimodal_usage"("tenant_id", "modality", "created_at");

-- CreateIndex
CREATE INDEX "multimodal_usage_event_id_idx" ON "multimodal_usage"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "multimodal_usage_request_id_modality_direction_created_at_key" ON "multimodal_usage"("request_id", "modality", "direction", "created_at");

-- AddForeignKey
ALTER TABLE "multimodal_usage" ADD CONSTRAINT "multimodal_usage_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "multimodal_billing_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "multimodal_usage" ADD CONSTRAINT "multimodal_usage_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The existing rows: a partition for each day they cover (and yesterday .. tomorrow), then moved in.
SELECT "platform_ensure_day_partitions"('"multimodal_usage"'::regclass, d, 1)
FROM (SELECT DISTINCT ("created_at" AT TIME ZONE 'UTC')::date AS d FROM "multimodal_usage_unpartitioned") AS days;
SELECT "platform_ensure_day_partitions"('"multimodal_usage"'::regclass, (now() AT TIME ZONE 'UTC')::date - 1, 3);
INSERT INTO "multimodal_usage" SELECT * FROM "multimodal_usage_unpartitioned";
DROP TABLE "multimodal_usage_unpartitioned";
