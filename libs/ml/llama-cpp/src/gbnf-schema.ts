import type { JsonSchema } from '@frontier/ml-ports';

/** Keywords node-llama-cpp's JSON-schema grammar understands (GbnfJsonSchema); the rest is left to ajv. */
const KEPT = new Set(['type', 'properties', 'items', 'prefixItems', 'enum', 'const', 'oneOf', 'anyOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'additionalProperties', 'required', 'description', 'format', '$defs', '$ref']);

/**
 * The part of a JSON schema a grammar can enforce: unknown keywords (numeric ranges, patterns,
 * `$schema`, titles) are dropped, `anyOf` is read as `oneOf`, and objects get
 * `additionalProperties: false` unless they say otherwise (the grammar then writes exactly the
 * listed properties, in order). Validation against the full schema happens after generation.
 */
export function toGbnfJsonSchema(schema: JsonSchema): JsonSchema {
  return convert(schema) as JsonSchema;
}

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (!KEPT.has(key)) continue;
    if (key === 'properties' || key === '$defs') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, convert(v)]));
    } else if (key === 'enum' || key === 'const' || key === 'required' || key === 'type') {
      out[key] = value;
    } else {
      out[key === 'anyOf' ? 'oneOf' : key] = convert(value);
    }
  }
  return out;
}
