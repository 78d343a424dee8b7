/**
 * Ports: what the memory, recommender and gateway systems need from models. Adapters in
 * libs/ml/* implement them; callers depend on these interfaces only.
 */

/** Identity of a loaded model, for provenance (stored next to what it produced). */
export interface ModelInfo {
  /** Stable id, e.g. `use-lite-512`, `onnx:all-MiniLM-L6-v2`, `openai:text-embedding-3-small`. */
  modelId: string;
  /** Which adapter serves it, e.g. `tfjs-use`, `onnx-dir`, `openai-http`. */
  adapter: string;
}

// ---------------------------------------------------------------------------- text embedding

export interface TextEmbedder extends ModelInfo {
  /** Length of every vector. */
  readonly dimension: number;
  /** One L2-normalised vector per text, in order. Empty/oversized texts → MlInputError. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

// ---------------------------------------------------------------------------- audio

/** Mono PCM in [-1, 1]. */
export interface PcmAudio {
  samples: Float32Array;
  sampleRate: number;
}

export interface VadOptions {
  /** Speech probability above which a frame is speech. Default 0.5. */
  threshold?: number;
  /** Silence needed to end a segment, ms. Default 500. */
  minSilenceMs?: number;
  /** Audio kept before the detected start, ms. Default 300. */
  prefixPaddingMs?: number;
  /** Segments shorter than this are dropped, ms. Default 250. */
  minSpeechMs?: number;
}

export interface SpeechSegment {
  startMs: number;
  endMs: number;
}

/** Streaming events of a VAD stream: `speech_started` / `speech_stopped`, like OpenAI Realtime. */
export type VadEvent = { type: 'speech_started'; atMs: number } | { type: 'speech_stopped'; atMs: number; segment: SpeechSegment };

export interface VadStream {
  /** Feeds any number of samples (at the stream's input rate); returns events they completed. */
  push(samples: Float32Array): Promise<VadEvent[]>;
  /** Flushes: closes an open segment at the end of the audio. */
  end(): Promise<VadEvent[]>;
}

export interface VoiceActivityDetector extends ModelInfo {
  /** Whole-clip detection (resampled to the model's rate when needed). */
  segments(audio: PcmAudio, options?: VadOptions): Promise<SpeechSegment[]>;
  /** Streaming detection with state carried across pushes. */
  stream(inputSampleRate: number, options?: VadOptions): VadStream;
}

export interface TranscriptSegment {
  startMs: number;
  endMs: number;
  text: string;
}

export interface Transcript {
  text: string;
  language?: string;
  segments?: TranscriptSegment[];
  durationMs: number;
}

/**
 * An utterance-by-utterance recogniser kept resident (one per realtime session): audio is pushed as
 * it arrives and decoded while the user speaks, so the end of a turn only waits for its tail.
 */
export interface SpeechStream {
  /** Audio of the current utterance, at the sample rate the stream was opened with. */
  push(samples: Float32Array): void;
  /**
   * Ends the current utterance and resolves its transcript; the stream stays open for the next.
   * `silenceMs`: how much of the pushed audio's end is known silence (the VAD's end-of-turn wait).
   */
  end(options?: { silenceMs?: number }): Promise<Transcript>;
  /** Drops what was pushed since the last end() (the next utterance starts fresh). */
  discard(): void;
  /** Stops the recogniser (idempotent); a pending end() resolves with what it has. */
  close(): void;
}

export interface SpeechRecognizer extends ModelInfo {
  transcribe(audio: PcmAudio, options?: { language?: string; prompt?: string }): Promise<Transcript>;
  /** Optional streaming capability; callers fall back to transcribe() on the turn's audio without it. */
  openStream?(sampleRate: number): SpeechStream;
}

// ---------------------------------------------------------------------------- images

/** Encoded image bytes (PNG, JPEG, WebP, GIF…). Adapters decode them with a real library. */
export type ImageBytes = Uint8Array;

/** A quadrilateral as 4 [x, y] points (clockwise from top-left), in source-image pixels. */
export type Quad = [[number, number], [number, number], [number, number], [number, number]];

export interface OcrLine {
  text: string;
  /** Mean per-character confidence from the recogniser, 0..1. */
  score: number;
  box: Quad;
}

export interface OcrResult {
  lines: OcrLine[];
  width: number;
  height: number;
}

export interface OcrEngine extends ModelInfo {
  recognize(image: ImageBytes): Promise<OcrResult>;
}

/** Class → probability; values sum to ~1. Thresholds are the caller's decision. */
export type ClassScores = Record<string, number>;

export interface ImageSafetyClassifier extends ModelInfo {
  readonly classes: readonly string[];
  classify(image: ImageBytes): Promise<ClassScores>;
}

// ---------------------------------------------------------------------------- LLM

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

/** A content part of a multimodal message (OpenAI's shape): text, or an image by URL (data: URLs included). */
export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'low' | 'high' | 'auto' } }
  /** Audio for models that take it natively (vLLM audio models, gpt-4o-audio): base64 + container format. */
  | { type: 'input_audio'; input_audio: { data: string; format: string } }
  /** Video for models that take it natively (vLLM Qwen2-VL and the like), usually a data: URL. */
  | { type: 'video_url'; video_url: { url: string } };

/** A function call the model asked for (complete: id, name and the JSON arguments text). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A function the model may call (OpenAI `tools: [{type: 'function', function}]`). */
export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: Record<string, unknown>;
}

export interface ChatMessage {
  role: ChatRole;
  /** The text; for a message with `parts`, the parts are sent instead (keep this the concatenated text). */
  content: string;
  name?: string;
  /** Multimodal content: sent as the message's content array when present. */
  parts?: ChatContentPart[];
  /** An assistant message's tool calls (the model's earlier turn). */
  toolCalls?: ToolCall[];
  /** A `tool` message: the call it answers. */
  toolCallId?: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  model?: string;
  temperature?: number;
  maxTokens?: number;
  stop?: string[];
  /** Functions the model may call. */
  tools?: ToolSpec[];
  /** 'auto' (default when tools are given), 'none', 'required', or one function by name. */
  toolChoice?: 'auto' | 'none' | 'required' | { name: string };
  /** Abort the call (client disconnect, deadline). */
  signal?: AbortSignal;
}

export interface ChatResult {
  content: string;
  /** Tool calls the model made (finish reason `tool_calls`); empty when none. */
  toolCalls?: ToolCall[];
  finishReason: string | null;
  usage?: Usage;
  model: string;
}

export type ChatChunk =
  | { type: 'delta'; content: string }
  /** A piece of a tool call as streamed: the first piece of call `index` carries id and name; `arguments` pieces concatenate. */
  | { type: 'tool_call'; index: number; id?: string; name?: string; arguments: string }
  | { type: 'done'; finishReason: string | null; usage?: Usage };

/** A JSON Schema (draft 2020-12 subset) describing the structured output wanted. */
export type JsonSchema = Record<string, unknown>;

export interface ChatModel extends ModelInfo {
  complete(request: ChatRequest): Promise<ChatResult>;
  stream(request: ChatRequest): AsyncIterable<ChatChunk>;
  /**
   * Structured output: asks for JSON matching `schema` (response_format json_schema), validates
   * it, and on failure asks once more with the validation errors (one repair retry).
   */
  completeJson<T>(request: ChatRequest & { schema: JsonSchema; schemaName?: string }): Promise<{ value: T; usage?: Usage; repaired: boolean }>;
}
