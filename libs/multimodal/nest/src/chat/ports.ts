/**
 * What the chat use case needs from the rest of the scope, as narrow ports: the module wires them to
 * the media checks (multimodal-domain + the remote fetcher), the budget planner, the encoder client,
 * the Redis limits and the billing outbox.
 */
import type { BillingEventPayload, EncodedImage, UsageLine } from '@frontier/multimodal-contracts';
import type { Principal } from '@frontier/platform-nest';
import type { BudgetSummary, UsageCounts } from '@frontier/multimodal-domain';
import type { RequestPart } from './request';

/** A served model: the name clients use, the upstream's name, its token profile and limits. */
export interface GatewayModel {
  id: string;
  upstreamModel: string;
  /** multimodal-domain profile id (llava-1.5, qwen2-vl, openai-tiles, anthropic, gemini). */
  profile: string;
  contextTokens: number;
  maxOutputTokens: number;
  /** Does the upstream take images? If not, images reach it as their OCR text. */
  vision: boolean;
  /** A directory with the served model's tokenizer.json: text is counted with it (else js-tiktoken by name, or an estimate). */
  tokenizerDir?: string;
}

export type MediaKind = 'image' | 'audio' | 'video' | 'file';

/** A media part whose bytes were fetched/decoded and checked, with the metadata the planner needs. */
export interface ResolvedMedia {
  path: string;
  kind: MediaKind;
  mime: string;
  bytes: Uint8Array;
  sha256: string;
  width?: number;
  height?: number;
  detail?: 'low' | 'high' | 'auto';
  durationS?: number;
  fps?: number;
  keyframes?: number;
  /** For files: the extracted text (plain text documents). */
  text?: string;
  /** For audio: the container format the client declared (wav, mp3…). */
  format?: string;
}

export interface MediaPort {
  /** Bytes for a non-text part, checked by magic number, size, dimensions and truncation. Throws InvalidInputError naming the part. */
  resolve(part: Exclude<RequestPart, { type: 'text' }>): Promise<ResolvedMedia>;
}

/** One turn as the planner sees it: its text and media in request order. */
export interface PlanTurn {
  role: 'system' | 'user' | 'assistant' | 'tool';
  parts: Array<{ type: 'text'; text: string } | { type: 'media'; media: ResolvedMedia }>;
}

export interface PlannedImage {
  path: string;
  maxSide: number | null;
  detail: 'low' | 'high' | 'auto';
  tokens: number;
}

export interface PlanResult {
  /** What the `response.created` event shows (paths as the request names them). */
  summary: BudgetSummary;
  estimated: number;
  limit: number;
  reservedOutputTokens: number;
  byModality: Record<'text' | 'image' | 'audio' | 'video', number>;
  steps: string[];
  images: PlannedImage[];
  videos: Array<{ path: string; mode: 'fps' | 'keyframes'; fps: number; frames: number; tokens: number }>;
  keptTurns: number[];
  droppedTurns: number[];
}

export interface PlannerPort {
  /** The plan, or throws the 400 `context_length_exceeded` (details: estimated, limit, tried). */
  plan(turns: PlanTurn[], model: GatewayModel, reservedOutputTokens: number): PlanResult;
  /** Text tokens of `text` for this model (the completion a cancelled stream produced). */
  countText(model: GatewayModel, text: string): number;
  /** Bill lines for what was used. */
  meter(model: GatewayModel, usage: MeterInput): UsageLine[];
}

/** What the meter bills: multimodal-domain's usage counts. */
export type MeterInput = UsageCounts;

export interface EncodeJob {
  path: string;
  sha256: string;
  bytes: Uint8Array;
  maxSide: number | null;
  ocr: boolean;
  safety: boolean;
}

export interface EncoderPort {
  /** Encodes every image (in parallel, batched by the worker). Throws a 429/503-mapped error when the encoders are busy or down. */
  encode(requestId: string, jobs: EncodeJob[], signal: AbortSignal): Promise<Map<string, EncodedImage>>;
}

export interface LimitsPort {
  admit(principal: Principal, estimatedTokens: number): Promise<unknown>;
  settle(admission: unknown, actualTokens: number, costUsd: number): Promise<void>;
  /** Rate-limit headers for a successful answer. */
  headers(admission: unknown): Record<string, string>;
}

export interface BillingPort {
  record(event: BillingEventPayload): Promise<void>;
}

export const GATEWAY_MODELS = Symbol('GATEWAY_MODELS');
export const MEDIA_PORT = Symbol('MEDIA_PORT');
export const PLANNER_PORT = Symbol('PLANNER_PORT');
export const ENCODER_PORT = Symbol('ENCODER_PORT');
export const LIMITS_PORT = Symbol('LIMITS_PORT');
export const BILLING_PORT = Symbol('BILLING_PORT');
export const UPSTREAM_MODEL = Symbol('UPSTREAM_MODEL');
export const MEMORY_CLIENT = Symbol('MEMORY_CLIENT');
export const IMAGE_GENERATOR = Symbol('IMAGE_GENERATOR');
