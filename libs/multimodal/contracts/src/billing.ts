/** The four input modalities of the gateway (output is text, plus images from tools). */
export type Modality = 'text' | 'image' | 'audio' | 'video';
export const MODALITIES: readonly Modality[] = ['text', 'image', 'audio', 'video'];

/** The unit a usage line is counted in (tokens always; seconds/frames/images where the modality has them). */
export type UsageUnit = 'tokens' | 'seconds' | 'frames' | 'images';

/** One line of a bill: a modality in one direction, its units, its token equivalent and its price. */
export interface UsageLine {
  modality: Modality;
  direction: 'input' | 'output';
  /** Count in `unit` (e.g. 2 images, 12.5 seconds of audio, 30 frames); tokens when unit is 'tokens'. */
  units: number;
  unit: UsageUnit;
  /** Context tokens this line used (or produced, for output). */
  tokens: number;
  /** Price of the line in US dollars (units × the price table), rounded to 1e-9. */
  costUsd: number;
}

/**
 * What the gateway stores for one request when it ends (completed, cancelled by the client, or failed
 * upstream after some output). Rejected requests (4xx before the upstream call) produce no event.
 */
export interface BillingEventPayload {
  /** The gateway's request id (`chatcmpl-…`); one event per request. */
  requestId: string;
  tenantId: string;
  /** api_keys.id of the caller. */
  keyId: string;
  model: string;
  status: 'completed' | 'cancelled' | 'failed';
  /** ISO-8601 time the request ended. */
  at: string;
  lines: UsageLine[];
}
