-- Multimodal billing and limits: one billing event per request (the truth, stored by chat-gateway),
-- expanded by multimodal-worker into usage rows (one per modality and direction); per-key limit
-- overrides. Billing rows keep key_id without a foreign key (a deleted key's spend stays on the bill);
-- everything goes with its tenant.

-- CreateTable
CREATE TABLE "multimodal_billing_events" (
    "id" UUID NOT NULL,
    "request_id" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "key_id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "lines" JSONB NOT NULL,
    "tokens" INTEGER NOT NULL,
    "cost_usd" DECIMAL(18,9) NOT NULL,
    "ended_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recorded_at" TIMESTAMPTZ(3),

    CONSTRAINT "multimodal_billing_events_pkey" PRIMARY KEY ("id")
);

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

    CONSTRAINT "multimodal_usage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "multimodal_key_limits" (
    "key_id" UUID NOT NULL,
    "rpm" INTEGER,
    "tpm" INTEGER,
    "daily_budget_usd" DECIMAL(18,6),
    "monthly_budget_usd" DECIMAL(18,6),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "multimodal_key_limits_pkey" PRIMARY KEY ("key_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "multimodal_billing_events_request_id_key" ON "multimodal_billing_events"("request_id");

-- CreateIndex
CREATE INDEX "multimodal_billing_events_recorded_at_created_at_idx" ON "multimodal_billing_events"("recorded_at", "created_at");

-- CreateIndex
CREATE INDEX "multimodal_billing_events_key_id_ended_at_idx" ON "multimodal_billing_events"("key_id", "ended_at");

-- CreateIndex
CREATE INDEX "multimodal_usage_tenant_id_created_at_idx" ON "multimodal_usage"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "multimodal_usage_tenant_id_key_id_created_at_idx" ON "multimodal_usage"("tenant_id", "key_id", "created_at");

-- CreateIndex
CREATE INDEX "multimodal_usage_tenant_id_modality_created_at_idx" ON "multimodal_usage"("tenant_id", "modality", "created_at");

-- CreateIndex
CREATE INDEX "multimodal_usage_event_id_idx" ON "multimodal_usage"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "multimodal_usage_request_id_modality_direction_key" ON "multimodal_usage"("request_id", "modality", "direction");

-- AddForeignKey
ALTER TABLE "multimodal_billing_events" ADD CONSTRAINT "multimodal_billing_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "multimodal_usage" ADD CONSTRAINT "multimodal_usage_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "multimodal_billing_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "multimodal_usage" ADD CONSTRAINT "multimodal_usage_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "multimodal_key_limits" ADD CONSTRAINT "multimodal_key_limits_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;
