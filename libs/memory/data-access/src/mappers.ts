import { createHash } from 'node:crypto';
import type { Memory as MemoryRow, MemoryTurn as TurnRow } from '@frontier/platform-prisma';
import { isMemoryType, type Memory, type MemoryType, type Turn } from '@frontier/memory-domain';

/** Float32 vector ↔ the bytes stored in `memories.embedding`. */
export function encodeVector(v: Float32Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(v.byteLength);
  out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return out;
}

export function decodeVector(bytes: Uint8Array | null | undefined): Float32Array | null {
  if (!bytes || bytes.byteLength % 4 !== 0 || bytes.byteLength === 0) return null;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** A memory row as the domain's record. */
export function toDomain(row: MemoryRow): Memory {
  const type: MemoryType = isMemoryType(row.type) ? row.type : 'context';
  return {
    id: row.id,
    userId: row.userId,
    text: row.text,
    type,
    confidence: row.confidence,
    ...(row.slot ? { slot: row.slot } : {}),
    provenance: { sessionId: row.sessionId ?? '', sourceHash: row.sourceHash, turnIds: row.turnIds },
    validAt: row.validAt,
    invalidAt: row.invalidAt,
    createdAt: row.createdAt,
    expiredAt: row.expiredAt,
    supersededBy: row.supersededById,
    retrievalCount: row.retrievalCount,
    lastRetrievedAt: row.lastRetrievedAt,
    deletedAt: row.deletedAt,
  };
}

export function toTurn(row: TurnRow): Turn {
  const role = row.role === 'assistant' || row.role === 'system' ? row.role : 'user';
  return { id: row.turnId, role, text: row.text, ...(row.at ? { at: row.at } : {}), ...(row.speaker ? { speaker: row.speaker } : {}) };
}

/** SHA-256 over the canonical transcript (role, id, text of each turn in order). */
export function transcriptHash(turns: ReadonlyArray<{ turnId: string; role: string; text: string }>): string {
  const h = createHash('sha256');
  for (const t of turns) h.update(`${t.role}\u0000${t.turnId}\u0000${t.text}\u0001`);
  return h.digest('hex');
}
