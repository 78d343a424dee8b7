import { storableProblem } from './text';

/**
 * Parsed JSON checked without recursion: how deeply it nests, and whether every string in it (keys
 * included) could be stored. A 50,000-deep array parses fine (JSON.parse is iterative) but
 * overflows the stack of anything that walks it recursively (class-transformer, class-validator,
 * a filter parser); a NUL inside any string fails a `jsonb` insert.
 */

/** Default most nesting levels of a request body: the root object is level 1. */
export const DEFAULT_MAX_DEPTH = 32;

export interface JsonProblem {
  /** Dotted path of the offending value (`""`: the root). */
  path: string;
  problem: string;
}

type Node = { v: unknown; level: number; key: string; parent: Node | null };

function pathOf(n: Node): string {
  const keys: string[] = [];
  for (let at: Node | null = n; at && at.parent; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/**
 * The first problem in document order: an object or array nested deeper than `maxDepth` levels
 * (the root container is level 1), or, with `strings`, a key or string value that is not storable
 * (NUL, lone surrogates). `null` when there is none.
 */
export function jsonProblem(value: unknown, options: { maxDepth?: number; strings?: boolean } = {}): JsonProblem | null {
  const max = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const stack: Node[] = [{ v: value, level: 1, key: '', parent: null }];
  while (stack.length) {
    const n = stack.pop() as Node;
    if (typeof n.v === 'string') {
      const p = options.strings ? storableProblem(n.v) : null;
      if (p) return { path: pathOf(n), problem: p };
      continue;
    }
    if (typeof n.v !== 'object' || n.v === null) continue;
    if (n.level > max) return { path: pathOf(n), problem: `nests deeper than ${max} levels` };
    const keys = Array.isArray(n.v) ? null : Object.keys(n.v);
    const bad = options.strings && keys ? keys.find((k) => storableProblem(k)) : undefined;
    if (bad !== undefined) return { path: pathOf(n), problem: `has a key that ${storableProblem(bad)}` };
    // pushed in reverse so the first key is visited first and the path named is the first one
    const items = n.v as Record<string, unknown> & unknown[];
    for (let i = (keys ?? items).length - 1; i >= 0; i--) {
      const k = keys ? (keys[i] as string) : String(i);
      const x = items[k];
      if ((typeof x === 'object' && x !== null) || (options.strings && typeof x === 'string')) stack.push({ v: x, level: n.level + 1, key: k, parent: n });
    }
  }
  return null;
}

/** The dotted path of the first object or array nested deeper than `max` levels, or `null`. */
export function depthViolation(value: unknown, max: number = DEFAULT_MAX_DEPTH): string | null {
  return jsonProblem(value, { maxDepth: max })?.path ?? null;
}
