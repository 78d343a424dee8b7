-- Issue 14, item 6: Mem0's `expiration_date` on add — copied, as invalid_at, onto every memory
-- the session produces (the memory is not served after that day).
ALTER TABLE "memory_sessions" ADD COLUMN "expires_at" TIMESTAMPTZ(3);
