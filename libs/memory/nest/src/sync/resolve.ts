/**
 * Deterministic resolution of concurrent writes to one memory (two devices edited it from the
 * same revision): dedup first — a write that changes nothing (same text, or a delete of what is
 * already deleted) is a duplicate; then the newer edit wins (the devices' own edit times), ties
 * broken by device id (the greater id wins). The outcome does not depend on arrival order.
 */
export interface WriteStamp {
  editedAt: Date;
  deviceId: string;
}

export type DeviceEdit = { op: 'update'; text?: string; type?: string; confidence?: number } | { op: 'delete' };

export type Resolution = { action: 'apply' } | { action: 'duplicate' } | { action: 'lost'; to: WriteStamp };

/** True when `a` wins over `b`. */
export function newerThan(a: WriteStamp, b: WriteStamp): boolean {
  const d = a.editedAt.getTime() - b.editedAt.getTime();
  return d !== 0 ? d > 0 : a.deviceId > b.deviceId;
}

const normalize = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ').replace(/[.!]+$/, '').toLowerCase();

export function resolveWrite(edit: DeviceEdit, stamp: WriteStamp, current: { text: string; type: string; confidence: number } | null, concurrent: readonly WriteStamp[]): Resolution {
  if (edit.op === 'delete' && !current) return { action: 'duplicate' };
  if (edit.op === 'update' && current) {
    const same = (edit.text === undefined || normalize(edit.text) === normalize(current.text)) && (edit.type === undefined || edit.type === current.type) && (edit.confidence === undefined || edit.confidence === current.confidence);
    if (same) return { action: 'duplicate' };
  }
  const winner = concurrent.filter((c) => newerThan(c, stamp)).sort((a, b) => (newerThan(a, b) ? -1 : 1))[0];
  return winner ? { action: 'lost', to: winner } : { action: 'apply' };
}
