-- The recommender's training loop (issue 12, item 5): training runs keyed by their window (the
-- idempotency key of a run), the replay reservoir each tenant's hourly head updates draw from, the
-- promotion log rollback walks back, and the links from a model version to the run that trained
-- it and the version it was trained from.

-- AlterTable: a version knows the run that trained it (at most one version per run: a re-run of a
-- window never registers a second candidate) and the live version it was fine-tuned from.
ALTER TABLE "recsys_model_versions" ADD COLUMN "run_id" UUID;
ALTER TABLE "recsys_model_versions" ADD COLUMN "parent_id" UUID;
ALTER TABLE "recsys_model_versions" ADD COLUMN "retired_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE UNIQUE INDEX "recsys_model_versions_run_id_key" ON "recsys_model_versions"("run_id");

-- CreateIndex
CREATE INDEX "recsys_model_versions_tenant_id_kind_state_idx" ON "recsys_model_versions"("tenant_id", "kind", "state");

-- CreateTable: one row per (tenant, kind, mode, window). `state` moves running -> trained (the
-- candidate and its weights are stored, in the transaction that sets it) -> done (the gate's
-- decision is stored, same transaction); `owner`/`lease_until` let one worker at a time work on
-- it, and a worker that died leaves a lease that lapses.
CREATE TABLE "recsys_training_runs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'running',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "owner" UUID,
    "lease_until" TIMESTAMPTZ(3),
    "model_version_id" UUID,
    "outcome" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "recsys_training_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "recsys_training_runs_mode_check" CHECK ("mode" IN ('head', 'full')),
    CONSTRAINT "recsys_training_runs_state_check" CHECK ("state" IN ('running', 'trained', 'done')),
    CONSTRAINT "recsys_training_runs_window_check" CHECK ("window_start" < "window_end")
);

-- CreateIndex
CREATE UNIQUE INDEX "recsys_training_runs_tenant_id_kind_mode_window_start_window_end_key" ON "recsys_training_runs"("tenant_id", "kind", "mode", "window_start", "window_end");

-- CreateTable: the replay reservoir of a tenant and model kind (recsys-domain's ReservoirSampler
-- snapshot: `items` kept out of `seen`). Advanced only in the transaction that stores a head
-- update's candidate, under a revision check, so a window is added exactly once.
CREATE TABLE "recsys_replay_reservoirs" (
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "seen" BIGINT NOT NULL DEFAULT 0,
    "items" JSONB NOT NULL DEFAULT '[]',
    "revision" INTEGER NOT NULL DEFAULT 0,
    "run_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recsys_replay_reservoirs_pkey" PRIMARY KEY ("tenant_id", "kind")
);

-- CreateTable: every change of the live version. Rollback undoes the latest promotion not yet
-- undone, so repeated rollbacks walk back through the versions that were live before.
CREATE TABLE "recsys_model_promotions" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "from_version_id" UUID,
    "to_version_id" UUID NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "undone_at" TIMESTAMPTZ(3),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recsys_model_promotions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "recsys_model_promotions_action_check" CHECK ("action" IN ('promote', 'rollback'))
);

-- CreateIndex
CREATE INDEX "recsys_model_promotions_tenant_id_kind_id_idx" ON "recsys_model_promotions"("tenant_id", "kind", "id");

-- AddForeignKey
ALTER TABLE "recsys_model_versions" ADD CONSTRAINT "recsys_model_versions_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "recsys_model_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recsys_training_runs" ADD CONSTRAINT "recsys_training_runs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recsys_replay_reservoirs" ADD CONSTRAINT "recsys_replay_reservoirs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recsys_model_promotions" ADD CONSTRAINT "recsys_model_promotions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recsys_model_promotions" ADD CONSTRAINT "recsys_model_promotions_to_version_id_fkey" FOREIGN KEY ("to_version_id") REFERENCES "recsys_model_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recsys_model_promotions" ADD CONSTRAINT "recsys_model_promotions_from_version_id_fkey" FOREIGN KEY ("from_version_id") REFERENCES "recsys_model_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;
