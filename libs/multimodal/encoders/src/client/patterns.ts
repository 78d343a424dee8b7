import { ENCODER_PATTERNS } from '@frontier/multimodal-contracts';

/**
 * The message patterns on the wire: the contract's, behind a namespace when one is configured
 * (`ENCODER_CHANNEL_PREFIX`: deployments, or test suites, sharing one Redis/NATS must not answer
 * each other's requests — Redis pub/sub channels are not scoped by database). '' = the contract's.
 */
export function encoderPatterns(prefix = ''): { encodeImages: string; health: string } {
  const p = prefix ? `${prefix}.` : '';
  return { encodeImages: `${p}${ENCODER_PATTERNS.encodeImages}`, health: `${p}${ENCODER_PATTERNS.health}` };
}

/** NATS queue group of the encoder workers: each request goes to one worker (Redis pub/sub has no equivalent: every subscribed worker gets it). */
export const ENCODER_NATS_QUEUE = 'encoder-worker';
