/**
 * Structured output: parsing a model's JSON reply, validating it against the caller's JSON Schema
 * (ajv, draft 2020-12), and the repair prompt sent once when it fails.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { MlInputError, UpstreamError, type ChatMessage, type JsonSchema } from '@frontier/ml-ports';

/** The second structured-output failure: an UpstreamError 'schema' carrying the validation errors. */
export class SchemaValidationError extends UpstreamError {
  override name = 'SchemaValidationError';
  constructor(
    /** One line per problem, e.g. `/age: must be integer`. */
    readonly errors: readonly string[],
    /** The model's last reply. */
    readonly output: string,
  ) {
    super(undefined, 'schema', `model output failed the JSON schema after one repair retry: ${errors.join('; ')}`);
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** Compiles (once per schema object) a validator; a schema ajv rejects is the caller's bad input. */
export function validatorFor(schema: JsonSchema): ValidateFunction {
  const hit = compiled.get(schema);
  if (hit) return hit;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new MlInputError('invalid_argument', 'schema', 'must be a JSON Schema object');
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw new MlInputError('invalid_argument', 'schema', `not a valid JSON Schema: ${err instanceof Error ? err.message : String(err)}`);
  }
  compiled.set(schema, validate);
  return validate;
}

export type JsonCheck<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/**
 * Parses `text` as JSON (tolerating one surrounding markdown code fence, which JSON-mode models
 * sometimes add) and validates it.
 */
export function checkJson<T>(text: string, validate: ValidateFunction): JsonCheck<T> {
  let value: unknown;
  try {
    value = JSON.parse(unfence(text));
  } catch (err) {
    return { ok: false, errors: [`not valid JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  if (validate(value)) return { ok: true, value: value as T };
  return { ok: false, errors: formatErrors(validate.errors ?? []) };
}

function unfence(text: string): string {
  const m = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return m ? m[1] : text;
}

function formatErrors(errors: readonly ErrorObject[]): string[] {
  return errors.map((e) => {
    const where = e.instancePath || '/';
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
    return `${where}: ${e.message ?? e.keyword}${extra}`;
  });
}

/** Messages for the one repair attempt: the conversation, the model's reply, and what was wrong with it. */
export function repairMessages(messages: readonly ChatMessage[], previousOutput: string, errors: readonly string[], schema: JsonSchema): ChatMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: previousOutput },
    {
      role: 'user',
      content:
        'Your previous reply did not match the required JSON schema.\n' +
        `Validation errors:\n${errors.map((e) => `- ${e}`).join('\n')}\n` +
        `Schema:\n${JSON.stringify(schema)}\n` +
        'Reply again with only the corrected JSON value, no prose and no code fences.',
    },
  ];
}

/** OpenAI's `json_schema.name` must match ^[a-zA-Z0-9_-]{1,64}$. */
export function schemaName(name: string | undefined): string {
  const cleaned = (name ?? 'response').replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return cleaned.length > 0 ? cleaned : 'response';
}
