-- Per-key safety thresholds (issue 15): NSFW cut-offs for a key; null keeps the gateway's default.

-- CreateTable
CREATE TABLE "multimodal_key_safety" (
    "key_id" UUID NOT NULL,
    "nsfw_explicit" DOUBLE PRECISION,
    "nsfw_suggestive" DOUBLE PRECISION,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "multimodal_key_safety_pkey" PRIMARY KEY ("key_id"),
    CONSTRAINT "multimodal_key_safety_thresholds_check" CHECK (("nsfw_explicit" IS NULL OR ("nsfw_explicit" >= 0 AND "nsfw_explicit" <= 1)) AND ("nsfw_suggestive" IS NULL OR ("nsfw_suggestive" >= 0 AND "nsfw_suggestive" <= 1)))
);

-- AddForeignKey
ALTER TABLE "multimodal_key_safety" ADD CONSTRAINT "multimodal_key_safety_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;
