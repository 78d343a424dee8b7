/**
 * Everything before the upstream call, in the design's order: parse → fetch and check every media
 * part's bytes → (memory profile) → plan the context budget (no encoder has run yet) → admit against
 * the key's limits → encode the planned images in parallel (with the safety check) → the upstream's
 * messages. Any refusal here throws before a byte of the response is written, and nothing is billed.
 */
import { randomBytes } from 'node:crypto';
import type { EncodedImage } from '@frontier/multimodal-contracts';
import type { ChatContentPart, ChatMessage } from '@frontier/ml-ports';
import { getProfile, transcriptPromptText } from '@frontier/multimodal-domain';
import type { AudioTranscript } from '@frontier/multimodal-encoders';
import type { AudioPort } from './audio';
import { sendSide } from './planner';
import { JobAccepted, type VideoJobsService } from '../jobs/video-jobs.service';
import { processVideo, videoPromptParts, type VideoContext } from './video';
import type { Principal } from '@frontier/platform-nest';
import { InvalidInputError, NotFoundError } from '@frontier/platform-util';
import { ContentPolicyError, DEFAULT_NSFW, type SafetyPort, type SafetyReport } from '../safety/safety';

export { ContentPolicyError };
import type { MemoryClient } from './memory-client';
import type { EncoderPort, GatewayModel, MediaPort, PlannerPort, PlanResult, PlanTurn, ResolvedMedia, LimitsPort } from './ports';
import { parseChatRequest, type ChatCompletionRequest, type RequestMessage } from './request';

export interface GatewayLimits {
  /** Most media parts of each kind in one request. */
  maxImages: number;
  maxAudio: number;
  maxVideos: number;
  /** Output tokens reserved when the request sets no max_tokens. */
  defaultMaxTokens: number;
  /** Run the NSFW check on every image (explicit → 400 content_policy_violation). Default true. */
  imageSafety?: boolean;
  /** Safety checks run at the same time as encoding (true, default) or before it (false: the serial baseline). */
  safetyParallel?: boolean;
  /** Videos for profiles without native video go as frames (+ soundtrack transcript); false passes them through. Default true. */
  videoFrames?: boolean;
}

export interface Prepared {
  requestId: string;
  created: number;
  model: GatewayModel;
  request: ChatCompletionRequest;
  plan: PlanResult;
  admission: unknown;
  messages: ChatMessage[];
  media: ResolvedMedia[];
  encoded: Map<string, EncodedImage>;
  /** Audio parts transcribed for an upstream without native audio, by part path. */
  transcripts: Map<string, AudioTranscript>;
  /** Videos turned into frames and a soundtrack transcript, by part path. */
  videos: Map<string, VideoContext>;
  /** Text tokens the transcripts took in the prompt (billed as the audio's tokens); null when none was transcribed. */
  transcriptTokens: number | null;
  /** The memory profile was put ahead of the history. */
  memoryProfile: boolean;
  /** What the safety checks covered (null: safety is off). */
  safety: SafetyReport | null;
}

export interface PrepareDeps {
  models: GatewayModel[];
  limits: GatewayLimits;
  media: MediaPort;
  planner: PlannerPort;
  encoder: EncoderPort;
  quota: LimitsPort;
  memory: MemoryClient | null;
  /** Transcribes audio for profiles without native audio; null: clips go to the upstream as they are. */
  audio?: AudioPort | null;
  /** Long clips become async jobs; a job's context comes back as a file part. */
  jobs?: Pick<VideoJobsService, 'thresholdS' | 'submit' | 'context' | 'checkWebhook'> | null;
  /** Text, image and output checks; null: only the encoder's own NSFW verdict. */
  safety?: SafetyPort | null;
}

export interface PrepareOptions {
  /** Where a job's completion is POSTed (signed), from the `X-Frontier-Webhook` header. */
  webhook?: string;
}

export async function prepare(deps: PrepareDeps, principal: Principal, body: unknown, signal: AbortSignal, opts: PrepareOptions = {}): Promise<Prepared> {
  const maxOut = Math.max(...deps.models.map((m) => m.maxOutputTokens));
  const request = parseChatRequest(body, maxOut);
  const model = deps.models.find((m) => m.id === request.model);
  if (!model) throw new NotFoundError('model', `The model \`${request.model}\` does not exist or you do not have access to it.`, 'model_not_found');
  if (request.maxTokens !== null && request.maxTokens > model.maxOutputTokens) {
    throw new InvalidInputError('max_tokens', `max_tokens must be at most ${model.maxOutputTokens} for ${model.id}`);
  }
  countMedia(request, deps.limits);

  // bytes and metadata of every media part, in parallel; the first bad part is named
  const mediaParts = request.messages.flatMap((m) => m.parts.filter((p) => p.type !== 'text'));
  const media = await Promise.all(
    mediaParts.map((p) => (p.type === 'file' && p.jobId ? jobContext(deps, principal, p.path, p.jobId) : deps.media.resolve(p as Exclude<typeof p, { type: 'text' }>))),
  );
  const byPath = new Map(media.map((m) => [m.path, m]));
  await submitLongVideos(deps, principal, model, media, opts);

  const turns: PlanTurn[] = request.messages.map((m) => toPlanTurn(m, byPath));
  let memoryProfile = false;
  if (request.user && deps.memory) {
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
    const query = lastUser?.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join(' ') ?? '';
    const profile = await deps.memory.profile(request.user, query);
    if (profile) {
      turns.unshift({ role: 'system', parts: [{ type: 'text', text: profile }] });
      memoryProfile = true;
    }
  }

  const reserved = request.maxTokens ?? Math.min(deps.limits.defaultMaxTokens, model.maxOutputTokens);
  const plan = deps.planner.plan(turns, model, reserved);
  const admission = await deps.quota.admit(principal, plan.estimated + reserved);

  const requestId = `chatcmpl-${randomBytes(12).toString('hex')}`;
  const images = media.filter((m) => m.kind === 'image');
  const planned = new Map(plan.images.map((i) => [i.path, i]));
  const clips = deps.audio && !getProfile(model.profile).nativeAudio ? media.filter((m) => m.kind === 'audio') : [];
  // safety on the raw text runs beside the encoders (or before them, in the serial baseline); the first failure stops the rest
  const work = new AbortController();
  const stop = () => work.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  const safety = deps.safety ?? null;
  // the key's NSFW thresholds (its row unreadable: the gateway's defaults)
  const thresholds = safety?.thresholds(principal.keyId).catch(() => DEFAULT_NSFW);
  const userTexts = request.messages.flatMap((m) => (m.role === 'user' ? m.parts.flatMap((p) => (p.type === 'text' ? [{ path: p.path, text: p.text }] : [])) : []));
  const clipsOf = (kind: 'audio' | 'video') => media.filter((m) => m.kind === kind).map((m) => ({ path: m.path, bytes: m.bytes }));
  // the deepfake port hears the audio clips and the videos' soundtracks
  const textCheck = safety ? Promise.all([safety.checkTexts(userTexts, work.signal), safety.checkAudio(clipsOf('audio'), work.signal, clipsOf('video'))]).then(([, a]) => a) : Promise.resolve(false);
  if (safety && deps.limits.safetyParallel === false) await textCheck;
  const all = <T extends readonly unknown[]>(ps: [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> =>
    Promise.all(ps).catch((e: unknown) => {
      work.abort(e);
      throw e;
    }) as Promise<T>;
  // images are encoded, clips transcribed and videos sampled at the same time
  const [encoded, transcripts, videoList, audioChecked] = await all<[Map<string, EncodedImage>, Map<string, AudioTranscript>, VideoContext[], boolean]>([
    images.length
      ? deps.encoder.encode(
          requestId,
          images.map((m) => ({ path: m.path, sha256: m.sha256, bytes: m.bytes, maxSide: planned.get(m.path)?.maxSide ?? null, ocr: !model.vision, safety: deps.limits.imageSafety ?? true })),
          work.signal,
        )
      : Promise.resolve(new Map<string, EncodedImage>()),
    clips.length && deps.audio ? deps.audio.transcribe(clips.map((m) => ({ path: m.path, bytes: m.bytes })), work.signal) : Promise.resolve(new Map<string, AudioTranscript>()),
    Promise.all(
      media
        .filter((m) => m.kind === 'video' && (deps.limits.videoFrames ?? true) && !getProfile(model.profile).nativeVideo)
        .flatMap((m) => {
          const v = plan.videos.find((x) => x.path === m.path);
          if (!v) return [];
          const job = { path: m.path, bytes: m.bytes, mode: v.mode, fps: v.mode === 'fps' ? v.fps : null, frames: v.frames, maxSide: sendSide(getProfile(model.profile)), ocr: !model.vision, safety: deps.limits.imageSafety ?? true };
          return [processVideo({ encoder: deps.encoder, audio: deps.audio ?? null }, requestId, job, work.signal)];
        }),
    ),
    textCheck,
  ]).finally(() => signal.removeEventListener('abort', stop));
  const videos = new Map(videoList.map((v) => [v.path, v]));
  const frames = [...videos.values()].flatMap((v) => [...v.frames.map((f) => f.image), ...v.safetyFrames]);
  if (safety && thresholds) {
    safety.checkImages([...encoded.values(), ...frames], await thresholds);
    // what was heard goes through the text check too (clips, and the videos' soundtracks)
    const heard = [...transcripts].map(([path, t]) => ({ path, text: t.text }));
    for (const v of videos.values()) if (v.transcript) heard.push({ path: v.path, text: v.transcript.text });
    if (heard.length) await safety.checkTexts(heard, signal);
  } else {
    for (const img of [...encoded.values(), ...frames]) {
      if (img.nsfw?.verdict === 'explicit') throw new ContentPolicyError(img.part, `${img.part} was refused by the image safety check (explicit content)`);
    }
  }
  const replaced = new Map<string, ChatContentPart[]>();
  let audioNo = 0;
  let videoNo = 0;
  let transcriptTokens: number | null = null;
  for (const m of media) {
    const v = m.kind === 'video' ? videos.get(m.path) : undefined;
    if (v) replaced.set(m.path, videoPromptParts(`Video ${++videoNo}`, v, model.vision));
    const t = m.kind === 'audio' ? transcripts.get(m.path) : undefined;
    if (!t) continue;
    const text = transcriptPromptText(`Audio ${++audioNo}`, t.durationMs, t.segments);
    replaced.set(m.path, [{ type: 'text', text }]);
    transcriptTokens = (transcriptTokens ?? 0) + deps.planner.countText(model, text);
  }

  const kept = new Set(plan.keptTurns);
  const messages = turns.flatMap((t, i) => (kept.has(i) ? [toUpstream(t, memoryProfile ? request.messages[i - 1] : request.messages[i], encoded, planned, model, replaced)] : []));
  return { requestId, created: Math.floor(Date.now() / 1000), model, request, plan, admission, messages, media, encoded, transcripts, videos, transcriptTokens, memoryProfile, safety: safety ? safety.report(images.length + frames.length > 0, audioChecked) : null };
}

/** A finished job's context as a text file part (400 naming the field when it is missing, failed or not done). */
async function jobContext(deps: PrepareDeps, principal: Principal, path: string, jobId: string): Promise<ResolvedMedia> {
  const field = `${path}.file.file_id`;
  if (!deps.jobs) throw new InvalidInputError(field, `${field}: this gateway runs no async jobs`, 'job_not_found');
  const text = await deps.jobs.context(principal, jobId, field);
  return { path, kind: 'file', mime: 'text/plain', bytes: new Uint8Array(0), sha256: '', text };
}

/** Most frames a job samples: a long clip's rate is lowered to fit. */
export const JOB_MAX_FRAMES = 120;

/**
 * A video longer than the jobs' threshold is not encoded on the request path: it is stored as an
 * async job and the request is answered 202 with its id (thrown as {@link JobAccepted}). Its
 * sampling is the profile's default rate, lowered so at most {@link JOB_MAX_FRAMES} frames are read.
 */
async function submitLongVideos(deps: PrepareDeps, principal: Principal, model: GatewayModel, media: ResolvedMedia[], opts: PrepareOptions): Promise<void> {
  const profile = getProfile(model.profile);
  if (!deps.jobs || !(deps.limits.videoFrames ?? true) || profile.nativeVideo) return;
  const threshold = deps.jobs.thresholdS;
  const long = media.filter((m) => m.kind === 'video' && (m.durationS ?? 0) > threshold);
  if (long.length === 0) {
    deps.jobs.checkWebhook(opts.webhook);
    return;
  }
  if (long.length > 1) throw new InvalidInputError(long[1].path, `${long[1].path}: one clip longer than ${threshold} s per request (each becomes an async job)`, 'too_many_long_videos');
  const m = long[0];
  const durationS = m.durationS ?? 0;
  const fps = Math.min(profile.videoFpsLadder[0] ?? 1, JOB_MAX_FRAMES / Math.max(durationS, 1e-3));
  const part = { kind: 'video' as const, durationS, fps: m.fps ?? 1, keyframes: m.keyframes ?? 0, width: m.width ?? 1, height: m.height ?? 1 };
  const sampling = { mode: 'fps' as const, fps };
  const params = {
    mode: 'fps' as const,
    fps,
    frames: Math.min(JOB_MAX_FRAMES, profile.videoFrames(part, sampling)),
    maxSide: sendSide(profile),
    ocr: !model.vision,
    safety: deps.limits.imageSafety ?? true,
    videoTokens: profile.videoTokens(part, sampling),
    durationS,
    upstreamModel: model.upstreamModel,
  };
  throw new JobAccepted(await deps.jobs.submit(principal, model.id, m.path, m.bytes, params, opts.webhook));
}

function countMedia(request: ChatCompletionRequest, limits: GatewayLimits): void {
  const seen = { image_url: 0, input_audio: 0, video_url: 0 } as Record<string, number>;
  const max: Record<string, number> = { image_url: limits.maxImages, input_audio: limits.maxAudio, video_url: limits.maxVideos };
  const noun: Record<string, string> = { image_url: 'images', input_audio: 'audio clips', video_url: 'videos' };
  for (const m of request.messages) {
    for (const p of m.parts) {
      if (!(p.type in seen)) continue;
      seen[p.type] += 1;
      if (seen[p.type] > max[p.type]) throw new InvalidInputError(p.path, `${p.path}: too many ${noun[p.type]} (at most ${max[p.type]} per request)`, `too_many_${noun[p.type].replace(' ', '_')}`);
    }
  }
}

function toPlanTurn(m: RequestMessage, byPath: Map<string, ResolvedMedia>): PlanTurn {
  const role = m.role === 'developer' ? 'system' : m.role;
  const parts: PlanTurn['parts'] = m.parts.flatMap((p): PlanTurn['parts'] => {
    if (p.type === 'text') return [{ type: 'text' as const, text: p.text }];
    const r = byPath.get(p.path);
    return r ? [{ type: 'media' as const, media: r }] : [];
  });
  if (m.toolCalls) parts.push(...m.toolCalls.map((c) => ({ type: 'text' as const, text: `${c.name}(${c.arguments})` })));
  return { role, parts };
}

function dataUrl(mime: string, b64: string): string {
  return `data:${mime};base64,${b64}`;
}

/**
 * One planned turn in the upstream's wire form: resized images (or their OCR text), media replaced
 * by what was derived from it (an audio clip's transcript), other audio and video passed through,
 * files as text.
 */
function toUpstream(
  turn: PlanTurn,
  source: RequestMessage | undefined,
  encoded: Map<string, EncodedImage>,
  planned: Map<string, { detail: 'low' | 'high' | 'auto' }>,
  model: GatewayModel,
  replaced: ReadonlyMap<string, ChatContentPart[]> = new Map(),
): ChatMessage {
  const role = turn.role;
  if (!source) return { role: 'system', content: turn.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n') };
  const mediaOf = (path: string) => turn.parts.find((x): x is { type: 'media'; media: ResolvedMedia } => x.type === 'media' && x.media.path === path)?.media;
  const parts: ChatContentPart[] = [];
  let imageNo = 0;
  for (const p of source.parts) {
    const img = encoded.get(p.path);
    const derived = replaced.get(p.path);
    if (p.type === 'text') parts.push({ type: 'text', text: p.text });
    else if (derived) parts.push(...derived);
    else if (img) {
      imageNo += 1;
      if (model.vision) parts.push({ type: 'image_url', image_url: { url: dataUrl(img.mime, img.dataB64), detail: planned.get(p.path)?.detail ?? (p.type === 'image_url' ? p.detail : 'auto') } });
      if (img.ocrText !== null && (!model.vision || img.ocrText.trim() !== '')) {
        parts.push({ type: 'text', text: img.ocrText.trim() ? `[Image ${imageNo}, text read from it: ${img.ocrText.trim()}]` : `[Image ${imageNo}: no text found in it]` });
      }
    } else {
      const r = mediaOf(p.path);
      if (!r) continue;
      if (r.kind === 'audio') parts.push({ type: 'input_audio', input_audio: { data: Buffer.from(r.bytes).toString('base64'), format: r.format ?? 'wav' } });
      else if (r.kind === 'video') parts.push({ type: 'video_url', video_url: { url: dataUrl(r.mime, Buffer.from(r.bytes).toString('base64')) } });
      else parts.push({ type: 'text', text: `[File${p.type === 'file' && p.filename ? ` ${p.filename}` : ''}]\n${r.text ?? ''}` });
    }
  }
  const content = parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
  const onlyText = parts.every((p) => p.type === 'text');
  const msg: ChatMessage = { role, content };
  if (!onlyText) msg.parts = parts;
  if (source.name) msg.name = source.name;
  if (source.toolCalls) msg.toolCalls = source.toolCalls;
  if (source.toolCallId) msg.toolCallId = source.toolCallId;
  return msg;
}

export const _internal = { toUpstream, countMedia };
