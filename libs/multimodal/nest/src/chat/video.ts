/**
 * A video part for an upstream without native video: ffprobe (duration, fps, keyframe positions) →
 * the frames the plan chose (its sampling rate, or the keyframes only) → each frame through the image
 * path (resize, OCR when the upstream has no vision, the NSFW check) → the soundtrack through the
 * audio path. Every frame keeps its timestamp, so the prompt can say "at 1:23".
 */
import { createHash } from 'node:crypto';
import type { EncodedImage } from '@frontier/multimodal-contracts';
import type { ChatContentPart } from '@frontier/ml-ports';
import { formatClock, transcriptPromptText } from '@frontier/multimodal-domain';
import { AvError, extractFrames, probeMedia, type AudioTranscript, type AvProbe } from '@frontier/multimodal-encoders';
import { avRefusal, type AudioPort } from './audio';
import type { EncoderPort } from './ports';

export interface VideoFrame {
  atS: number;
  /** The encoder's result (resized image, OCR text, NSFW verdict). */
  image: EncodedImage;
}

export interface VideoContext {
  path: string;
  durationS: number;
  mode: 'fps' | 'keyframes';
  fps: number | null;
  frames: VideoFrame[];
  transcript: AudioTranscript | null;
  probe: AvProbe;
  /** Frames checked by the image safety check only (one per {@link SAFETY_EVERY_S} where the plan's frames leave a gap); never sent. */
  safetyFrames: EncodedImage[];
}

/** The image safety check sees at least one frame per this many seconds of a clip, whatever the plan sampled. */
export const SAFETY_EVERY_S = 5;

/** Times (one per `everyS` window) that no planned frame covers: the extra frames the safety check looks at. */
export function safetyTimes(durationS: number, planned: readonly number[], everyS = SAFETY_EVERY_S): number[] {
  const out: number[] = [];
  for (let t = 0; t < durationS; t += everyS) {
    const end = Math.min(durationS, t + everyS);
    if (!planned.some((p) => p >= t && p < end)) out.push(Math.round(((t + end) / 2) * 1000) / 1000);
  }
  return out;
}

export interface VideoWork {
  path: string;
  bytes: Uint8Array;
  mode: 'fps' | 'keyframes';
  fps: number | null;
  /** Frames the plan budgeted. */
  frames: number;
  maxSide: number | null;
  ocr: boolean;
  safety: boolean;
}

/** Frame times for a plan: every 1/fps seconds from 0, or the keyframes; at most `frames`, all inside the clip. */
export function frameTimes(probe: Pick<AvProbe, 'durationS' | 'keyframesS'>, mode: 'fps' | 'keyframes', fps: number | null, frames: number): number[] {
  const inside = (t: number) => t >= 0 && t < Math.max(probe.durationS, 0.001);
  if (mode === 'keyframes') return (probe.keyframesS.length ? probe.keyframesS : [0]).filter(inside).slice(0, Math.max(1, frames));
  const step = 1 / (fps && fps > 0 ? fps : 1);
  const out: number[] = [];
  for (let k = 0; out.length < frames; k++) {
    const t = Math.round(k * step * 1000) / 1000;
    if (!inside(t)) break;
    out.push(t);
  }
  return out.length ? out : [0];
}

export const framePath = (path: string, atS: number) => `${path}@${formatClock(atS, 1)}`;

export async function processVideo(deps: { encoder: EncoderPort; audio: AudioPort | null }, requestId: string, v: VideoWork, signal: AbortSignal): Promise<VideoContext> {
  let probe: AvProbe;
  try {
    probe = await probeMedia(v.bytes, { signal });
    if (!probe.video) throw new AvError('has no video stream', 'no_stream');
  } catch (e) {
    return avRefusal(e, v.path, 'video');
  }
  const times = frameTimes(probe, v.mode, v.fps, v.frames);
  const extra = v.safety ? safetyTimes(probe.durationS, times) : [];
  let extracted;
  let checked;
  try {
    // frames come out at up to 1024 px (OCR reads them there); the encoder resizes them for the upstream
    [extracted, checked] = await Promise.all([extractFrames(v.bytes, times, { maxSide: 1024, signal }), extra.length ? extractFrames(v.bytes, extra, { maxSide: 512, signal }) : Promise.resolve([])]);
  } catch (e) {
    return avRefusal(e, v.path, 'video');
  }
  const hash = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const jobs = [
    ...extracted.map((f) => ({ path: framePath(v.path, f.atS), sha256: hash(f.png), bytes: f.png, maxSide: v.maxSide, ocr: v.ocr, safety: v.safety })),
    ...checked.map((f) => ({ path: `${framePath(v.path, f.atS)} (safety)`, sha256: hash(f.png), bytes: f.png, maxSide: 64, ocr: false, safety: true })),
  ];
  const [encoded, transcripts] = await Promise.all([
    jobs.length ? deps.encoder.encode(requestId, jobs, signal) : Promise.resolve(new Map<string, EncodedImage>()),
    probe.audio && deps.audio ? deps.audio.transcribe([{ path: v.path, bytes: v.bytes }], signal) : Promise.resolve(new Map<string, AudioTranscript>()),
  ]);
  const frames = extracted.flatMap((f, i) => {
    const image = encoded.get(jobs[i].path);
    return image ? [{ atS: f.atS, image }] : [];
  });
  const safetyFrames = checked.flatMap((f) => encoded.get(`${framePath(v.path, f.atS)} (safety)`) ?? []);
  return { path: v.path, durationS: probe.durationS, mode: v.mode, fps: v.mode === 'fps' ? v.fps : null, frames, transcript: transcripts.get(v.path) ?? null, probe, safetyFrames };
}

/** The video as prompt parts: a header, each frame (the image for a vision upstream) with its time and OCR text, the soundtrack's transcript. */
export function videoPromptParts(label: string, ctx: VideoContext, vision: boolean): ChatContentPart[] {
  const how = ctx.mode === 'keyframes' ? 'keyframes only' : `sampled at ${ctx.fps} fps`;
  const parts: ChatContentPart[] = [{ type: 'text', text: `[${label}, ${formatClock(ctx.durationS)} long, ${ctx.frames.length} frames (${how})]` }];
  for (const f of ctx.frames) {
    const at = formatClock(f.atS, f.atS % 1 ? 1 : 0);
    if (vision) {
      parts.push({ type: 'text', text: `[${label} at ${at}]` });
      parts.push({ type: 'image_url', image_url: { url: `data:${f.image.mime};base64,${f.image.dataB64}`, detail: 'auto' } });
    }
    const ocr = f.image.ocrText?.trim();
    if (ocr) parts.push({ type: 'text', text: `[${label} at ${at}, text read from the frame: ${ocr.replace(/\s+/g, ' ')}]` });
  }
  if (ctx.transcript) parts.push({ type: 'text', text: transcriptPromptText(`${label} soundtrack`, ctx.transcript.durationMs, ctx.transcript.segments) });
  return parts;
}
