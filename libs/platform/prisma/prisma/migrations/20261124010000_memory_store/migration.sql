-- CreateTable
CREATE TABLE "memory_sessions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "agent_id" TEXT,
    "external_id" TEXT NOT NULL,
    "source_hash" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "reason" TEXT,
    "token_count" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "memory_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memory_turns" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "turn_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "speaker" TEXT,
    "text" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3),

    CONSTRAINT "memory_turns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memories" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "agent_id" TEXT,
    "text" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "slot" TEXT,
    "session_id" UUID,
    "source_hash" TEXT NOT NULL,
    "turn_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "extractor" TEXT NOT NULL,
    "embedding_model" TEXT,
    "embedding" BYTEA,
    "metadata" JSONB,
    "valid_at" TIMESTAMPTZ(3) NOT NULL,
    "invalid_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expired_at" TIMESTAMPTZ(3),
    "superseded_by_id" UUID,
    "retrieval_count" INTEGER NOT NULL DEFAULT 0,
    "last_retrieved_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "memories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memory_events" (
    "id" UUID NOT NULL,
    "memory_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "previous_text" TEXT,
    "new_text" TEXT,
    "reason" TEXT,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memory_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "biographies" (
    "tenant_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "fact_count" INTEGER NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "generator" TEXT NOT NULL,
    "stale" BOOLEAN NOT NULL DEFAULT false,
    "built_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "biographies_pkey" PRIMARY KEY ("tenant_id","user_id")
);

-- CreateIndex
CREATE INDEX "memory_sessions_tenant_id_user_id_started_at_idx" ON "memory_sessions"("tenant_id", "user_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "memory_sessions_tenant_id_user_id_external_id_key" ON "memory_sessions"("tenant_id", "user_id", "external_id");

-- CreateIndex
CREATE INDEX "memory_turns_session_id_turn_id_idx" ON "memory_turns"("session_id", "turn_id");

-- CreateIndex
CREATE UNIQUE INDEX "memory_turns_session_id_ordinal_key" ON "memory_turns"("session_id", "ordinal");

-- CreateIndex
CREATE INDEX "memories_tenant_id_user_id_deleted_at_idx" ON "memories"("tenant_id", "user_id", "deleted_at");

-- CreateIndex
CREATE INDEX "memories_tenant_id_user_id_slot_idx" ON "memories"("tenant_id", "user_id", "slot");

-- CreateIndex
CREATE INDEX "memories_session_id_idx" ON "memories"("session_id");

-- CreateIndex
CREATE INDEX "memory_events_memory_id_at_idx" ON "memory_events"("memory_id", "at");

-- CreateIndex
CREATE INDEX "memory_events_tenant_id_user_id_at_idx" ON "memory_events"("tenant_id", "user_id", "at");

-- AddForeignKey
ALTER TABLE "memory_sessions" ADD CONSTRAINT "memory_sessions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memory_turns" ADD CONSTRAINT "memory_turns_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "memory_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memories" ADD CONSTRAINT "memories_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memories" ADD CONSTRAINT "memories_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "memory_sessions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memory_events" ADD CONSTRAINT "memory_events_memory_id_fkey" FOREIGN KEY ("memory_id") REFERENCES "memories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "biographies" ADD CONSTRAINT "biographies_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
