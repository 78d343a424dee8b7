import { MODALITIES, type Modality } from '../parts';

/** 12345 → "12,345" (locale-independent). */
export function formatTokens(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A clip length for people: "3 minutes" from 2 minutes up, "1 minute", else seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s >= 120) return `${Math.floor(s / 60)} minutes`;
  if (s >= 60) return '1 minute';
  return s === 1 ? '1 second' : `${s} seconds`;
}

export interface HintInput {
  /** Input tokens after every step. */
  estimated: number;
  limit: number;
  reservedOutputTokens: number;
  byModality: Record<Modality, number>;
  /** Seconds of the kept video / audio and the number of kept images. */
  videoSeconds: number;
  audioSeconds: number;
  images: number;
}

/**
 * What the caller can do about a request that does not fit even fully degraded, computed from
 * the numbers: the modality using most of the context is the one to cut, by how much it must
 * shrink for everything else to fit (e.g. "Video exceeds the context limit; try a clip shorter
 * than 3 minutes").
 */
export function rejectionHint(h: HintInput): string {
  const available = h.limit - h.reservedOutputTokens;
  if (available <= 0) {
    return `The ${formatTokens(h.reservedOutputTokens)} tokens reserved for the output (max_tokens) leave no room for input in a ${formatTokens(h.limit)}-token context; lower max_tokens.`;
  }
  let top: Modality = 'text';
  for (const m of MODALITIES) if (h.byModality[m] > h.byModality[top]) top = m;
  const mine = h.byModality[top];
  const room = available - (h.estimated - mine);
  const noRoom = `The rest of the request already needs ${formatTokens(h.estimated - mine)} of the ${formatTokens(available)} input tokens available`;
  switch (top) {
    case 'video':
    case 'audio': {
      const label = top === 'video' ? 'Video' : 'Audio';
      const seconds = top === 'video' ? h.videoSeconds : h.audioSeconds;
      if (room <= 0 || seconds <= 0) return `${label} exceeds the context limit. ${noRoom}; remove the ${top} or shorten the conversation.`;
      const maxSeconds = (room / mine) * seconds;
      if (maxSeconds < 1) return `${label} exceeds the context limit; even a 1-second clip would not fit. Remove the ${top} or shorten the conversation.`;
      return `${label} exceeds the context limit; try a clip shorter than ${formatDuration(maxSeconds)}.`;
    }
    case 'image': {
      const each = mine / Math.max(1, h.images);
      const fit = room > 0 ? Math.floor(room / each) : 0;
      if (fit <= 0) return `Images exceed the context limit even at the smallest size. ${noRoom}; remove the images or shorten the conversation.`;
      return `Images exceed the context limit even at the smallest size (~${formatTokens(each)} tokens each); send at most ${fit} image${fit === 1 ? '' : 's'}.`;
    }
    case 'text':
      return `The text that must be kept (system messages and the last user turn) needs ${formatTokens(mine)} tokens; shorten it or lower max_tokens.`;
  }
}
