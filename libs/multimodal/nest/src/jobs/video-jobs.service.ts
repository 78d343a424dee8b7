/**
 * Async video jobs: a clip over the threshold is not encoded on the request path. The gateway stores
 * the job (Postgres, the truth: the clip and the plan's sampling) and answers 202; multimodal-worker
 * turns the clip into context (frames through the image path, the soundtrack through the audio path)
 * with {@link run}; `GET /v1/jobs/:id` reads it; a follow-up request names it as a `file` part
 * (`file_id: "job_…"`) and gets its text as context. A finished job is billed once (request id
 * `job_<id>`) and, when asked, delivered to a signed webhook. A reconciler re-queues jobs a lost
 * BullMQ job or a dead worker left behind.
 */
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { MultimodalJobs } from '@frontier/multimodal-contracts';
import { JobsRepository, KeySafetyRepository, type JobRecord } from '@frontier/multimodal-data-access';
import { counterForModel, DEFAULT_PRICE_TABLE, describeCategory, formatClock, meter, type PriceTable } from '@frontier/multimodal-domain';
import type { Principal } from '@frontier/platform-nest';
import { JobQueue } from '@frontier/platform-queue';
import { FrontierError, InvalidInputError, NotFoundError } from '@frontier/platform-util';
import { BillingService } from '../billing/billing.service';
import { AUDIO_PORT, type AudioPort } from '../chat/audio';
import { ENCODER_PORT, type EncoderPort } from '../chat/ports';
import { processVideo, videoPromptParts, type VideoWork } from '../chat/video';
import { soundtrackWav, type AudioDeepfakeDetector } from '../safety/audio-deepfake';
import { ContentPolicyError, DEFAULT_NSFW, explicitMessage, firstExplicit, keySafetyThresholds, type NsfwThresholds } from '../safety/safety';
import { createRulesClassifier, type TextSafetyClassifier } from '../safety/text-classifier';
import { signWebhook, webhookProblem } from './webhook';

export interface VideoJobsConfig {
  /** Clips longer than this (seconds) become async jobs. Default 15. */
  thresholdS: number;
  /** A running job not touched for this long is taken over (its worker died). Default 120. */
  staleAfterS?: number;
  /** HMAC-SHA256 key of the webhook signature; webhooks are refused when unset. */
  webhookSecret?: string;
  /** Hosts a webhook may point at (exact names); empty: webhooks refused. */
  webhookAllowHosts?: string[];
  webhookTimeoutMs?: number;
  priceTable?: PriceTable;
  /** The text check on the soundtrack's transcript (the gateway's classifier); default: the offline rules; null: off. */
  textSafety?: TextSafetyClassifier | null;
  /** NSFW thresholds of a key without its own (`multimodal_key_safety`); default {@link DEFAULT_NSFW}. */
  nsfw?: NsfwThresholds;
  /** The deepfake port on the soundtrack; absent: it does not run (the result's `safety.audio_deepfake: 'not_run'`). */
  audioDeepfake?: AudioDeepfakeDetector | null;
}

export const VIDEO_JOBS_CONFIG = Symbol('VIDEO_JOBS_CONFIG');
export const JOB_ID_PREFIX = 'job_';
const MAX_ATTEMPTS = 5;

/** What the plan decided for the clip (the frame work minus the bytes), kept in the job row. */
export interface VideoJobParams extends Omit<VideoWork, 'path' | 'bytes'> {
  videoTokens: number;
  durationS: number;
  upstreamModel: string;
}

export interface VideoJobResult {
  prompt_text: string;
  duration_s: number;
  mode: 'fps' | 'keyframes';
  fps: number | null;
  frames: Array<{ at_s: number; at: string; text: string | null }>;
  transcript: { text: string; segments: Array<{ start_s: number; end_s: number; text: string }> } | null;
  /** What the checks covered: the frames under the key's NSFW thresholds, the soundtrack through the deepfake port (or not). */
  safety: { images: 'checked' | 'off'; audio_deepfake: 'passed' | 'not_run' };
}

/** A 202's reason: the request was accepted as jobs, answered with their ids. */
export class JobAccepted extends Error {
  constructor(readonly body: Record<string, unknown>) {
    super('accepted as an async job');
  }
}

export const publicJobId = (id: string) => `${JOB_ID_PREFIX}${id}`;

@Injectable()
export class VideoJobsService {
  private readonly log = new Logger(VideoJobsService.name);
  private rules: TextSafetyClassifier | undefined;

  constructor(
    private readonly repo: JobsRepository,
    private readonly queue: JobQueue,
    private readonly billing: BillingService,
    @Inject(VIDEO_JOBS_CONFIG) private readonly config: VideoJobsConfig,
    @Inject(ENCODER_PORT) private readonly encoder: EncoderPort,
    @Optional() @Inject(AUDIO_PORT) private readonly audio: AudioPort | null = null,
    @Optional() @Inject(KeySafetyRepository) private readonly keySafety: KeySafetyRepository | null = null,
  ) {}

  get thresholdS(): number {
    return this.config.thresholdS;
  }

  /** Checks a webhook URL before anything is stored: 400 naming the header when it is not allowed. */
  checkWebhook(url: string | undefined): void {
    if (url === undefined) return;
    const p = webhookProblem(url, this.config.webhookAllowHosts ?? [], !!this.config.webhookSecret);
    if (p) throw new InvalidInputError('x-frontier-webhook', `x-frontier-webhook ${p}`, 'invalid_webhook');
  }

  /** Stores the job and queues its run (a queue failure leaves it to the reconciler); the 202 body. */
  async submit(principal: Principal, model: string, part: string, bytes: Uint8Array, params: VideoJobParams, webhookUrl?: string): Promise<Record<string, unknown>> {
    this.checkWebhook(webhookUrl);
    const job = await this.repo.create({ tenantId: principal.tenantId, keyId: principal.keyId, kind: 'video_context', model, part, input: bytes, params: { ...params }, webhookUrl: webhookUrl ?? null });
    await this.queue.enqueue(MultimodalJobs.videoContext, { jobId: job.id }).catch((e: unknown) => this.log.warn(`job ${job.id} stored, not queued (${String(e)}); the reconciler will queue it`));
    return present(job);
  }

  /** `GET /v1/jobs/:id`. */
  async get(principal: Principal, publicId: string): Promise<Record<string, unknown>> {
    const job = await this.find(principal, publicId);
    if (!job) throw new NotFoundError('job', `No job ${publicId}`, 'job_not_found');
    return present(job);
  }

  /** A finished job's context for a follow-up request's `file_id` part; 400 naming the field otherwise. */
  async context(principal: Principal, publicId: string, field: string): Promise<string> {
    const job = await this.find(principal, publicId);
    if (!job) throw new InvalidInputError(field, `${field}: no job ${publicId}`, 'job_not_found');
    if (job.status === 'failed') throw new InvalidInputError(field, `${field}: job ${publicId} failed (${job.error?.message ?? 'unknown'})`, 'job_failed');
    if (job.status !== 'completed' || !job.result) throw new InvalidInputError(field, `${field}: job ${publicId} is ${job.status}; poll GET /v1/jobs/${publicId} until it is completed`, 'job_not_ready');
    return String((job.result as unknown as VideoJobResult).prompt_text);
  }

  /** The worker's `multimodal.video-context` job: claims the row, makes the context, bills, delivers the webhook. */
  async run(jobId: string): Promise<{ status: string }> {
    const job = await this.repo.claim(jobId, this.config.staleAfterS ?? 120);
    if (!job) return { status: 'skipped' };
    const beat = setInterval(() => void this.repo.heartbeat(jobId).catch(() => undefined), 10_000);
    const p = job.params as unknown as VideoJobParams;
    try {
      const signal = new AbortController().signal;
      const [ctx, deepfake] = await Promise.all([
        processVideo({ encoder: this.encoder, audio: this.audio }, publicJobId(job.id), { path: job.part, bytes: job.input, mode: p.mode, fps: p.fps, frames: p.frames, maxSide: p.maxSide, ocr: p.ocr, safety: p.safety }, signal),
        this.checkSoundtrack(job.part, job.input, signal),
      ]);
      // the frames under the key's own thresholds, as on the request path
      const explicit = firstExplicit([...ctx.frames.map((f) => f.image), ...ctx.safetyFrames], await this.thresholds(job.keyId));
      if (explicit) throw new ContentPolicyError(job.part, explicitMessage(explicit.part));
      await this.checkTranscript(job.part, ctx.transcript?.text ?? '');
      const promptText = videoPromptParts(`Video ${publicJobId(job.id)}`, ctx, false)
        .flatMap((x) => (x.type === 'text' ? [x.text] : []))
        .join('\n');
      const result: VideoJobResult = {
        prompt_text: promptText,
        duration_s: ctx.durationS,
        mode: ctx.mode,
        fps: ctx.fps,
        frames: ctx.frames.map((f) => ({ at_s: f.atS, at: formatClock(f.atS, f.atS % 1 ? 1 : 0), text: f.image.ocrText?.trim() || null })),
        transcript: ctx.transcript ? { text: ctx.transcript.text, segments: ctx.transcript.segments.map((s) => ({ start_s: s.startMs / 1000, end_s: s.endMs / 1000, text: s.text })) } : null,
        safety: { images: p.safety ? 'checked' : 'off', audio_deepfake: deepfake ? 'passed' : 'not_run' },
      };
      const done = await this.repo.complete(job.id, result as unknown as Record<string, unknown>);
      await this.bill(done, p, ctx.frames.length, ctx.transcript ? ctx.transcript.durationMs / 1000 : 0, ctx.transcript?.text ?? '');
      await this.deliver(done);
      return { status: 'completed' };
    } catch (e) {
      if (e instanceof InvalidInputError || e instanceof ContentPolicyError || job.attempts >= MAX_ATTEMPTS) {
        const failed = await this.repo.fail(job.id, { code: e instanceof FrontierError ? e.code : 'job_failed', message: e instanceof Error ? e.message : String(e) });
        await this.deliver(failed);
        return { status: 'failed' };
      }
      await this.repo.release(job.id);
      throw e; // BullMQ retries with backoff; the reconciler covers a spent job
    } finally {
      clearInterval(beat);
    }
  }

  /** The key's NSFW thresholds (its row unreadable or absent: the configured default). */
  private async thresholds(keyId: string): Promise<NsfwThresholds> {
    const base = this.config.nsfw ?? DEFAULT_NSFW;
    const own = this.keySafety ? await keySafetyThresholds(this.keySafety)(keyId).catch(() => null) : null;
    return { explicit: own?.explicit ?? base.explicit, suggestive: own?.suggestive ?? base.suggestive };
  }

  /** The soundtrack through the deepfake port: true when it ran and passed, false when no detector is configured or the clip has no sound; a flagged voice fails the job. */
  private async checkSoundtrack(part: string, bytes: Uint8Array, signal: AbortSignal): Promise<boolean> {
    const detector = this.config.audioDeepfake;
    if (!detector) return false;
    const wav = await soundtrackWav(bytes, signal);
    if (!wav) return false;
    if (await detector.detect(wav, signal)) throw new ContentPolicyError(part, `${part} was refused by the audio safety check: synthetic or cloned voice (soundtrack)`);
    return true;
  }

  /** What the soundtrack says goes through the text check: a flagged transcript fails the job naming the category (never the classifier's wording). */
  private async checkTranscript(part: string, text: string): Promise<void> {
    const classifier = this.config.textSafety === undefined ? (this.rules ??= createRulesClassifier()) : this.config.textSafety;
    if (!classifier || !text.trim()) return;
    const v = await classifier.classify(text, AbortSignal.timeout(30_000));
    if (v.flagged) throw new InvalidInputError(part, `${part} was refused by the content safety check (soundtrack): ${v.categories.map(describeCategory).join(', ')}`, 'content_policy_violation');
  }

  /** The `multimodal.reconcile-jobs` job: stale queued/running jobs queued again, webhooks not yet delivered sent. */
  async reconcile(olderThanS?: number): Promise<{ requeued: number; webhooks: number }> {
    const before = new Date(Date.now() - (olderThanS ?? this.config.staleAfterS ?? 120) * 1000);
    let requeued = 0;
    for (const j of await this.repo.stale(before, 200)) {
      const r = await this.queue.requeue(MultimodalJobs.videoContext, { jobId: j.id });
      if (r.added) requeued++;
    }
    let webhooks = 0;
    for (const id of await this.repo.webhooksDue(50)) {
      const job = await this.repo.byId(id);
      if (job && (await this.deliver(job))) webhooks++;
    }
    return { requeued, webhooks };
  }

  private async find(principal: Principal, publicId: string): Promise<JobRecord | null> {
    if (!publicId.startsWith(JOB_ID_PREFIX)) return null;
    return this.repo.get(principal.tenantId, publicId.slice(JOB_ID_PREFIX.length));
  }

  private async bill(job: JobRecord, p: VideoJobParams, frames: number, audioSeconds: number, transcript: string): Promise<void> {
    const audioTokens = transcript ? counterForModel(p.upstreamModel).count(transcript) : 0;
    const perFrame = p.frames > 0 ? p.videoTokens / p.frames : 0;
    const lines = meter(
      { textInputTokens: 0, outputTokens: 0, imageTokens: 0, images: 0, audioTokens, audioSeconds, videoTokens: Math.round(perFrame * frames), videoFrames: frames },
      this.config.priceTable ?? DEFAULT_PRICE_TABLE,
      job.model,
    );
    await this.billing.record({ requestId: publicJobId(job.id), tenantId: job.tenantId, keyId: job.keyId, model: job.model, status: 'completed', at: new Date().toISOString(), lines });
  }

  /** POSTs the job to its webhook, signed; true when delivered (2xx). Failures are retried by the reconciler. */
  private async deliver(job: JobRecord): Promise<boolean> {
    if (!job.webhookUrl || job.webhookSentAt || !this.config.webhookSecret) return false;
    const body = JSON.stringify(present(job));
    try {
      const res = await fetch(job.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-frontier-signature': signWebhook(this.config.webhookSecret, body), 'x-frontier-job': publicJobId(job.id) },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.config.webhookTimeoutMs ?? 5_000),
      });
      if (!res.ok) return false;
      await this.repo.markWebhookSent(job.id);
      return true;
    } catch (e) {
      this.log.warn(`webhook of job ${job.id} not delivered (${String(e)}); the reconciler retries`);
      return false;
    }
  }
}

/** A job in the API's shape. */
export function present(job: JobRecord): Record<string, unknown> {
  const id = publicJobId(job.id);
  return {
    id,
    object: 'multimodal.job',
    kind: job.kind,
    status: job.status,
    model: job.model,
    part: job.part,
    created_at: Math.floor(job.createdAt.getTime() / 1000),
    finished_at: job.finishedAt ? Math.floor(job.finishedAt.getTime() / 1000) : null,
    result: job.result,
    error: job.error,
    usage_hint: job.status === 'completed' ? { type: 'file', file: { file_id: id } } : null,
  };
}
