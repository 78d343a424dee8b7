/** Who deleted a memory because the user told the assistant to forget it (undoable for a grace period). */
export const FORGET_COMMAND_ACTOR = 'user-command';

/** The DELETE event's reason for a forget command: the turn and the command as the user said it. */
export function forgetCommandReason(turnId: string, command: string): string {
  return `forget command in turn ${turnId}: "${command}"`;
}

/** An event of a memory's history, as stored (texts may be withheld when served: see {@link redactEvent}). */
export interface HistoryEntry {
  id: string;
  memoryId: string;
  event: string;
  previousText: string | null;
  newText: string | null;
  reason: string | null;
  actor: string;
  at: Date;
  /** True when texts were withheld because the memory (or the one that superseded it) is deleted. */
  redacted: boolean;
}

/**
 * A deleted memory's texts are never served: its events keep what happened, who and when, but
 * no text (nor a forget command's quoted words, which name the fact). A SUPERSEDE event's new text
 * belongs to the superseding memory: withheld when that one is deleted.
 */
export function redactEvent(e: Omit<HistoryEntry, 'redacted'>, deleted: { self: boolean; superseder: boolean }): HistoryEntry {
  if (deleted.self) return { ...e, previousText: null, newText: null, reason: e.reason?.replace(/: ".*"$/s, '') ?? null, redacted: true };
  if (deleted.superseder && e.event === 'SUPERSEDE') return { ...e, newText: null, redacted: true };
  return { ...e, redacted: false };
}
