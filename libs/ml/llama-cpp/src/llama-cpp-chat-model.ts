/**
 * ChatModel on an embedded llama.cpp (node-llama-cpp): loads a GGUF file the deployment provides,
 * runs on the CPU (or a GPU when asked), and constrains structured output with a grammar made from
 * the request's JSON schema — the reply cannot be anything but JSON of that shape. The result is
 * still validated with ajv (the grammar cannot express numeric ranges), with one repair retry,
 * exactly like the OpenAI-compatible adapter.
 */
import type { ChatHistoryItem, Llama, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { MlInputError, type ChatChunk, type ChatMessage, type ChatModel, type ChatRequest, type ChatResult, type JsonSchema, type Usage } from '@frontier/ml-ports';
import { checkJson, repairMessages, SchemaValidationError, validateChatRequest, validatorFor } from '@frontier/ml-llm';
import { loadNodeLlamaCpp } from './load-esm';
import { toGbnfJsonSchema } from './gbnf-schema';

export interface LlamaCppChatModelOptions {
  /** Absolute path of the .gguf file. */
  modelPath: string;
  /** Tokens of context per request (prompt + reply). Default 4096, capped by the model's training context. */
  contextSize?: number;
  /** CPU threads; default: what node-llama-cpp picks (all cores). */
  threads?: number;
  /** `false` (default): CPU only; `'auto'` lets node-llama-cpp use CUDA/Vulkan/Metal when present. */
  gpu?: false | 'auto';
  /** Reply length when the request sets none. Default 1024. */
  maxTokens?: number;
  /** Provenance id; default `llama-cpp:<file name>`. */
  modelId?: string;
  /** Total characters over all messages above which a request is refused as input_too_large. Default 200 000. */
  maxPromptChars?: number;
}

type JsonRequest = ChatRequest & { schema: JsonSchema; schemaName?: string };

/** Loads the model (seconds for a real GGUF) and returns a ready ChatModel. */
export async function createLlamaCppChatModel(options: LlamaCppChatModelOptions): Promise<ChatModel & { close(): Promise<void> }> {
  if (typeof options.modelPath !== 'string' || !options.modelPath.endsWith('.gguf')) throw new MlInputError('invalid_argument', 'modelPath', 'must be the path of a .gguf file');
  const lib = await loadNodeLlamaCpp();
  const llama = await lib.getLlama({ gpu: options.gpu ?? false, build: 'never', logLevel: lib.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: options.modelPath });
  const contextSize = Math.min(options.contextSize ?? 4096, model.trainContextSize);
  const context = await model.createContext({ contextSize, ...(options.threads ? { threads: options.threads } : {}) });
  return new LlamaCppChatModel(lib, llama, model, context, options);
}

class LlamaCppChatModel implements ChatModel {
  readonly modelId: string;
  readonly adapter = 'llama-cpp';
  private readonly grammars = new WeakMap<JsonSchema, Promise<LlamaGrammar>>();
  /** One sequence, one request at a time: requests queue here. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly sequence: LlamaContextSequence;

  constructor(
    private readonly lib: Awaited<ReturnType<typeof loadNodeLlamaCpp>>,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly options: LlamaCppChatModelOptions,
  ) {
    this.modelId = options.modelId ?? `llama-cpp:${options.modelPath.split('/').pop()?.replace(/\.gguf$/, '')}`;
    this.sequence = context.getSequence();
  }

  complete(request: ChatRequest): Promise<ChatResult> {
    return this.run(request);
  }

  async *stream(request: ChatRequest): AsyncIterable<ChatChunk> {
    const chunks: string[] = [];
    let wake: (() => void) | undefined;
    const done = this.run(request, undefined, (text) => {
      chunks.push(text);
      wake?.();
    });
    let finished = false;
    let failure: unknown;
    let result: ChatResult | undefined;
    done.then(
      (r) => {
        result = r;
        finished = true;
        wake?.();
      },
      (e: unknown) => {
        failure = e;
        finished = true;
        wake?.();
      },
    );
    for (;;) {
      while (chunks.length) yield { type: 'delta', content: chunks.shift() as string };
      if (finished) break;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
    if (failure !== undefined) throw failure;
    yield { type: 'done', finishReason: result?.finishReason ?? null, ...(result?.usage ? { usage: result.usage } : {}) };
  }

  async completeJson<T>(request: JsonRequest): Promise<{ value: T; usage?: Usage; repaired: boolean }> {
    const validate = validatorFor(request.schema);
    const grammar = await this.grammarFor(request.schema);
    const first = await this.run(request, grammar);
    const check = checkJson<T>(first.content, validate);
    if (check.ok) return { value: check.value, ...(first.usage ? { usage: first.usage } : {}), repaired: false };
    const retry = await this.run({ ...request, messages: repairMessages(request.messages, first.content, check.errors, request.schema) }, grammar);
    const again = checkJson<T>(retry.content, validate);
    const usage = first.usage && retry.usage ? addUsage(first.usage, retry.usage) : undefined;
    if (again.ok) return { value: again.value, ...(usage ? { usage } : {}), repaired: true };
    throw new SchemaValidationError(again.errors, retry.content);
  }

  async close(): Promise<void> {
    await this.tail.catch(() => undefined);
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }

  private grammarFor(schema: JsonSchema): Promise<LlamaGrammar> {
    let g = this.grammars.get(schema);
    if (!g) {
      // the grammar's JSON-schema subset: what it cannot express is dropped here and checked by ajv after
      g = this.llama.createGrammarForJsonSchema(toGbnfJsonSchema(schema) as Parameters<Llama['createGrammarForJsonSchema']>[0]) as Promise<LlamaGrammar>;
      this.grammars.set(schema, g);
    }
    return g;
  }

  /** Serialises requests on the one sequence; each starts from an empty KV cache. Bad input rejects at once. */
  private run(request: ChatRequest, grammar?: LlamaGrammar, onText?: (text: string) => void): Promise<ChatResult> {
    try {
      this.check(request);
    } catch (e) {
      return Promise.reject(e);
    }
    const next = this.tail.then(() => this.generate(request, grammar, onText));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private check(request: ChatRequest): void {
    validateChatRequest(request, this.options.maxPromptChars ?? 200_000);
    if (request.tools?.length) throw new MlInputError('invalid_argument', 'tools', 'tool calls are not supported by the llama-cpp adapter');
    if (request.messages.some((m) => m.parts?.some((p) => p.type !== 'text'))) throw new MlInputError('invalid_argument', 'messages', 'the llama-cpp adapter takes text only');
    // what does not fit the context is refused, never silently cut (a chat session would shift the context)
    const prompt = request.messages.reduce((n, m) => n + this.model.tokenize(m.content).length, 0);
    const reply = request.maxTokens ?? this.options.maxTokens ?? 1024;
    const size = this.context.contextSize;
    if (prompt + reply > size) throw new MlInputError('input_too_large', 'messages', `${prompt} prompt tokens + ${reply} reply tokens exceed the context of ${size} tokens (ML_LLM_CONTEXT)`);
  }

  private async generate(request: ChatRequest, grammar: LlamaGrammar | undefined, onText?: (text: string) => void): Promise<ChatResult> {
    const { history, prompt } = toHistory(request.messages);
    await this.sequence.clearHistory();
    const session = new this.lib.LlamaChatSession({ contextSequence: this.sequence, autoDisposeSequence: false });
    try {
      session.setChatHistory(history);
      const before = this.sequence.tokenMeter.getState();
      const meta = await session.promptWithMeta(prompt, {
        maxTokens: request.maxTokens ?? this.options.maxTokens ?? 1024,
        temperature: request.temperature ?? 0,
        ...(grammar ? { grammar } : {}),
        ...(request.stop?.length ? { customStopTriggers: request.stop } : {}),
        ...(request.signal ? { signal: request.signal, stopOnAbortSignal: false } : {}),
        ...(onText ? { onTextChunk: onText } : {}),
      });
      const diff = this.lib.TokenMeter.diff(this.sequence.tokenMeter, before);
      const content = meta.responseText;
      return {
        content,
        finishReason: meta.stopReason === 'maxTokens' ? 'length' : 'stop',
        usage: { promptTokens: diff.usedInputTokens, completionTokens: diff.usedOutputTokens, totalTokens: diff.usedInputTokens + diff.usedOutputTokens },
        model: this.modelId,
      };
    } finally {
      session.dispose({ disposeSequence: false });
    }
  }
}

/** Our messages as node-llama-cpp's chat history, the last user message being the prompt. */
export function toHistory(messages: readonly ChatMessage[]): { history: ChatHistoryItem[]; prompt: string } {
  const history: ChatHistoryItem[] = [];
  const lastUser = messages.map((m) => m.role).lastIndexOf('user');
  messages.forEach((m, i) => {
    if (i === lastUser) return;
    if (m.role === 'system') history.push({ type: 'system', text: m.content });
    else if (m.role === 'user' || m.role === 'tool') history.push({ type: 'user', text: m.content });
    else history.push({ type: 'model', response: [m.content] });
  });
  return { history, prompt: lastUser >= 0 ? (messages[lastUser] as ChatMessage).content : '' };
}

const addUsage = (a: Usage, b: Usage): Usage => ({ promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens, totalTokens: a.totalTokens + b.totalTokens });
