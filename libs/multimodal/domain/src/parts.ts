import { InvalidInputError } from '@frontier/platform-util';

/**
 * The four input modalities (output is text, plus images from tools). Structurally identical to
 * `Modality` in `@frontier/multimodal-contracts`; defined here because a domain library may depend
 * on domain and util libraries only.
 */
export type Modality = 'text' | 'image' | 'audio' | 'video';
export const MODALITIES: readonly Modality[] = ['text', 'image', 'audio', 'video'];

/** OpenAI's `image_url.detail`; profiles without a detail switch ignore it ('auto' means 'high'). */
export type ImageDetail = 'low' | 'high' | 'auto';

/**
 * The parts of a request with the cheap metadata the budget planner needs, known before any
 * encoder runs (image size from the header, durations, fps and keyframe count from the container).
 */
export interface TextPart {
  kind: 'text';
  text: string;
}

export interface ImagePart {
  kind: 'image';
  /** Pixels, as decoded from the image header. */
  width: number;
  height: number;
  detail?: ImageDetail;
}

export interface AudioPart {
  kind: 'audio';
  durationS: number;
  /** Tokens of the ASR transcript when it is already known (streamed audio); else estimated from the duration. */
  transcriptTokens?: number;
}

export interface VideoPart {
  kind: 'video';
  durationS: number;
  /** The source frame rate (frames per second of the container). */
  fps: number;
  /** Keyframes (I-frames) in the clip, from the container; 0 when unknown (then ⌈durationS / 2⌉ is assumed). */
  keyframes: number;
  width: number;
  height: number;
}

/** A document: its extracted text (counted like text). */
export interface FilePart {
  kind: 'file';
  text: string;
}

export type PartMeta = TextPart | ImagePart | AudioPart | VideoPart | FilePart;

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface Turn {
  role: Role;
  parts: PartMeta[];
}

/** The stable address of a part in error messages and plans, as the OpenAI request spells it. */
export function partPath(turnIndex: number, partIndex: number): string {
  return `messages[${turnIndex}].content[${partIndex}]`;
}

/** The modality a part is billed and budgeted as (a file's extracted text is text). */
export function modalityOf(part: PartMeta): Modality {
  return part.kind === 'file' ? 'text' : part.kind;
}

const positive = (x: number): boolean => Number.isFinite(x) && x > 0;
const nonNegative = (x: number): boolean => Number.isFinite(x) && x >= 0;

/**
 * Refuses metadata no encoder could honour (a zero-sized image, a negative or non-finite duration,
 * a non-integer keyframe count), naming the part by its {@link partPath}. The planner runs this
 * first; the gateway computes the metadata from the bytes, so a failure here is a 400 on the part.
 */
export function validatePart(part: PartMeta, path: string): void {
  const bad = (what: string): never => {
    throw new InvalidInputError(path, `${path}: ${what}`, 'invalid_part');
  };
  switch (part.kind) {
    case 'text':
    case 'file':
      if (typeof part.text !== 'string') bad('text must be a string');
      return;
    case 'image':
      if (!positive(part.width) || !positive(part.height)) bad(`image size ${part.width}×${part.height} must be positive`);
      if (part.detail !== undefined && part.detail !== 'low' && part.detail !== 'high' && part.detail !== 'auto') bad(`unknown detail "${String(part.detail)}"`);
      return;
    case 'audio':
      if (!nonNegative(part.durationS)) bad(`audio duration ${part.durationS} s must be a finite number ≥ 0`);
      if (part.transcriptTokens !== undefined && !(Number.isInteger(part.transcriptTokens) && part.transcriptTokens >= 0)) bad('transcriptTokens must be an integer ≥ 0');
      return;
    case 'video':
      if (!nonNegative(part.durationS)) bad(`video duration ${part.durationS} s must be a finite number ≥ 0`);
      if (!positive(part.fps)) bad(`video fps ${part.fps} must be positive`);
      if (!(Number.isInteger(part.keyframes) && part.keyframes >= 0)) bad('keyframes must be an integer ≥ 0 (0 = unknown)');
      if (!positive(part.width) || !positive(part.height)) bad(`video frame size ${part.width}×${part.height} must be positive`);
      return;
    default:
      return bad(`unknown part kind "${(part as { kind: unknown }).kind}"`);
  }
}

/** {@link validatePart} over every part of every turn. */
export function validateTurns(turns: readonly Turn[]): void {
  turns.forEach((turn, t) => {
    if (turn.role !== 'system' && turn.role !== 'user' && turn.role !== 'assistant' && turn.role !== 'tool') {
      throw new InvalidInputError(`messages[${t}].role`, `messages[${t}].role: unknown role "${String(turn.role)}"`, 'invalid_part');
    }
    turn.parts.forEach((part, p) => validatePart(part, partPath(t, p)));
  });
}
