type Row = Record<string, unknown>;
const isObject = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A memory projected onto an item schema's properties (every memory field when it names none). */
function project(memory: Row, itemSchema: unknown): Row {
  const props = isObject(itemSchema) && isObject(itemSchema['properties']) ? Object.keys(itemSchema['properties']) : null;
  return props ? Object.fromEntries(props.map((k) => [k, memory[k] ?? null])) : memory;
}

/**
 * The export in the requested JSON schema's top-level shape. We do not write exports with an LLM:
 * an array schema gets the memories (each projected onto `items.properties` when given); an object
 * schema gets every array property filled the same way, `user_id` / `count` / `exported_at` when
 * it declares them, and null for anything else; a schema with neither gets `{ memories }`.
 */
export function shapeExport(schema: Row, memories: Row[], meta: { userId: string; exportedAt: string }): unknown {
  if (schema['type'] === 'array') return memories.map((m) => project(m, schema['items']));
  const props = isObject(schema['properties']) ? schema['properties'] : null;
  if (!props || !Object.keys(props).length) return { memories };
  const known: Row = { user_id: meta.userId, count: memories.length, exported_at: meta.exportedAt };
  return Object.fromEntries(
    Object.entries(props).map(([key, sub]) => {
      if (isObject(sub) && sub['type'] === 'array') return [key, memories.map((m) => project(m, sub['items']))];
      return [key, known[key] ?? null];
    }),
  );
}
