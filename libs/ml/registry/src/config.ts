import { FrontierError } from '@frontier/platform-util';
import { isAbsolute, resolve } from 'node:path';
import type { ModelRole } from '@frontier/ml-ports';

/**
 * Which adapter serves each model role. One place, read from the environment (or a JSON file
 * named by MODELS_CONFIG), e.g.
 *
 *   ML_EMBEDDING=use                                   Universal Sentence Encoder lite (default)
 *   ML_EMBEDDING=onnx-dir:all-MiniLM-L6-v2             $MODELS_DIR/all-MiniLM-L6-v2/{model.onnx,tokenizer.json}
 *   ML_EMBEDDING=openai:http://tei:8080/v1#bge-m3      OpenAI-compatible /v1/embeddings
 *   ML_LLM=openai:http://vllm:8000/v1#Qwen2.5-7B-Instruct   (key from ML_LLM_API_KEY)
 *   ML_LLM=llama-cpp:qwen2.5-1.5b-instruct-q4_k_m.gguf     embedded llama.cpp on a GGUF under MODELS_DIR (or absolute)
 *     (ML_LLM_CONTEXT: tokens of context, default 4096; ML_LLM_THREADS: CPU threads; ML_LLM_GPU=auto to use a GPU)
 */
export const ROLES: readonly ModelRole[] = ['embedding', 'vad', 'ocr', 'nsfw', 'asr', 'llm'];

/** Adapters each role accepts; the first is the offline default (`none` = no model configured). */
export const ADAPTERS: Record<ModelRole, readonly string[]> = {
  embedding: ['use', 'onnx-dir', 'openai'],
  vad: ['silero'],
  ocr: ['paddle'],
  nsfw: ['nsfwjs', 'onnx-dir'],
  asr: ['pocketsphinx', 'whisper-onnx', 'openai'],
  llm: ['none', 'openai', 'llama-cpp'],
};

export interface RoleConfig {
  role: ModelRole;
  adapter: string;
  /** Absolute model directory (`onnx-dir`, `whisper-onnx`) or file (`silero`, `paddle` overrides). */
  path?: string;
  /** Base URL of an OpenAI-compatible server, including `/v1`. */
  baseUrl?: string;
  /** Model name sent to the server. */
  model?: string;
  apiKey?: string;
  /** Vector size of an `openai` embedding model (ML_EMBEDDING_DIMENSION); unset → probed once at start. */
  dimension?: number;
  /** `llama-cpp`: tokens of context (ML_LLM_CONTEXT), CPU threads (ML_LLM_THREADS), GPU use (ML_LLM_GPU=auto). */
  contextSize?: number;
  threads?: number;
  gpu?: 'auto';
  /** Where the setting came from, for `tools/models list`. */
  source: string;
}

export interface ModelsConfig {
  modelsDir: string;
  roles: Record<ModelRole, RoleConfig>;
}

export class ModelConfigError extends FrontierError {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super('invalid', 'model_config', `${variable}: ${message}`, { field: variable });
  }
}

const envName = (role: ModelRole) => `ML_${role.toUpperCase()}`;

/** Parses `adapter[:rest]` — rest is a dir/path, or `url#model` for `openai`. */
export function parseSpec(role: ModelRole, spec: string, modelsDir: string, variable: string): Omit<RoleConfig, 'source'> {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(':');
  const adapter = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const rest = colon < 0 ? '' : trimmed.slice(colon + 1);
  if (!ADAPTERS[role].includes(adapter)) {
    throw new ModelConfigError(variable, `unknown adapter "${adapter}" for ${role}; use one of ${ADAPTERS[role].join(', ')}`);
  }
  if (adapter === 'openai') {
    const [url, model] = rest.split('#');
    if (!url || !/^https?:\/\//.test(url)) throw new ModelConfigError(variable, `openai needs a base URL: openai:http://host:port/v1#model`);
    if (!model) throw new ModelConfigError(variable, `openai needs a model name after '#': openai:${url}#<model>`);
    return { role, adapter, baseUrl: url.replace(/\/+$/, ''), model };
  }
  if (adapter === 'llama-cpp') {
    if (!rest.endsWith('.gguf')) throw new ModelConfigError(variable, `llama-cpp needs a GGUF file: llama-cpp:<file.gguf under MODELS_DIR or absolute>`);
    return { role, adapter, path: isAbsolute(rest) ? rest : resolve(modelsDir, rest) };
  }
  if (adapter === 'onnx-dir' || adapter === 'whisper-onnx') {
    if (!rest) throw new ModelConfigError(variable, `${adapter} needs a model directory: ${adapter}:<dir under MODELS_DIR or absolute>`);
    return { role, adapter, path: isAbsolute(rest) ? rest : resolve(modelsDir, rest) };
  }
  // packaged offline defaults may take an optional explicit file/dir override
  return rest ? { role, adapter, path: isAbsolute(rest) ? rest : resolve(modelsDir, rest) } : { role, adapter };
}

/**
 * Resolves every role from `env` (ML_<ROLE>, ML_<ROLE>_API_KEY, MODELS_DIR) over an optional
 * JSON file object `{ "embedding": "onnx-dir:minilm", … }`; env wins over the file, the file over
 * defaults. Throws ModelConfigError naming the variable on any bad value.
 */
export function resolveModelsConfig(env: Record<string, string | undefined>, file?: Record<string, unknown>, cwd = process.cwd()): ModelsConfig {
  const modelsDir = resolve(cwd, env['MODELS_DIR'] ?? 'models');
  if (file) {
    for (const key of Object.keys(file)) {
      if (!ROLES.includes(key as ModelRole)) throw new ModelConfigError(`MODELS_CONFIG.${key}`, `unknown role; roles are ${ROLES.join(', ')}`);
      if (typeof file[key] !== 'string') throw new ModelConfigError(`MODELS_CONFIG.${key}`, 'must be a string like "onnx-dir:minilm"');
    }
  }
  const roles = {} as Record<ModelRole, RoleConfig>;
  for (const role of ROLES) {
    const variable = envName(role);
    const fromEnv = env[variable];
    const fromFile = file?.[role] as string | undefined;
    const spec = fromEnv ?? fromFile ?? (ADAPTERS[role][0] as string);
    const source = fromEnv !== undefined ? `env ${variable}` : fromFile !== undefined ? `file ${role}` : 'default';
    const parsed = parseSpec(role, spec, modelsDir, fromEnv !== undefined ? variable : `MODELS_CONFIG.${role}`);
    const apiKey = env[`${variable}_API_KEY`];
    const dimRaw = env[`${variable}_DIMENSION`];
    let dimension: number | undefined;
    if (dimRaw !== undefined) {
      dimension = Number(dimRaw);
      if (!Number.isInteger(dimension) || dimension < 1 || dimension > 65_536) throw new ModelConfigError(`${variable}_DIMENSION`, 'must be a positive integer');
    }
    roles[role] = { ...parsed, ...(apiKey ? { apiKey } : {}), ...(dimension ? { dimension } : {}), ...(parsed.adapter === 'llama-cpp' ? llamaCppOptions(env, variable) : {}), source };
  }
  return { modelsDir, roles };
}

const positiveInt = (env: Record<string, string | undefined>, name: string, max: number): number | undefined => {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ModelConfigError(name, `must be an integer from 1 to ${max}`);
  return n;
};

/** ML_LLM_CONTEXT, ML_LLM_THREADS, ML_LLM_GPU for the embedded llama.cpp adapter. */
function llamaCppOptions(env: Record<string, string | undefined>, variable: string): Pick<RoleConfig, 'contextSize' | 'threads' | 'gpu'> {
  const contextSize = positiveInt(env, `${variable}_CONTEXT`, 1_048_576);
  const threads = positiveInt(env, `${variable}_THREADS`, 1024);
  const gpu = env[`${variable}_GPU`];
  if (gpu !== undefined && gpu !== 'auto' && gpu !== 'false') throw new ModelConfigError(`${variable}_GPU`, 'must be auto or false');
  return { ...(contextSize ? { contextSize } : {}), ...(threads ? { threads } : {}), ...(gpu === 'auto' ? { gpu: 'auto' as const } : {}) };
}
