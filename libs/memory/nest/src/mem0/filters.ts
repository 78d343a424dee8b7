import { BadRequestError } from '@frontier/memory-data-access';
import { idProblem, parseTime } from '@frontier/platform-util';

/** Most levels of `AND` nesting a filter may have (each list of conditions is one). */
export const MAX_FILTER_DEPTH = 8;

/** What a Mem0 `filters` object narrows to in our model. */
export interface Mem0Filters {
  userId?: string;
  agentId?: string;
  runId?: string;
  since?: Date;
  until?: Date;
}

const ENTITY_KEYS = { user_id: 'userId', agent_id: 'agentId', run_id: 'runId' } as const;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function entityValue(v: unknown, path: string): string {
  const x = isObject(v) && Object.keys(v).length === 1 && 'eq' in v ? v['eq'] : v;
  if (typeof x !== 'string' || x === '*') throw new BadRequestError(path, `${path} must be an id (a string without whitespace; wildcards and operators other than eq are not supported)`);
  const problem = idProblem(x);
  if (problem) throw new BadRequestError(path, `${path} ${problem}`);
  return x;
}

/** An ISO 8601 date or Unix seconds between 1970 and 9999 (milliseconds given as seconds refused). */
function dateValue(v: unknown, path: string): Date {
  const t = parseTime(v, 'bound', { seconds: true });
  if (!t.date) throw new BadRequestError(path, `${path} ${t.problem}`);
  return t.date;
}

function merge(into: Mem0Filters, key: keyof Mem0Filters, value: string | Date, path: string): void {
  const had = into[key];
  if (had !== undefined && String(had) !== String(value)) {
    if (value instanceof Date && had instanceof Date) {
      // two bounds of the same side: keep the narrower one
      (into as Record<string, Date>)[key] = key === 'since' ? (value > had ? value : had) : value < had ? value : had;
      return;
    }
    throw new BadRequestError(path, `${path} contradicts another condition on the same field`);
  }
  (into as Record<string, string | Date>)[key] = value;
}

function walk(node: unknown, path: string, out: Mem0Filters, depth: number, root: string): void {
  if (!isObject(node)) throw new BadRequestError(path, `${path} must be an object`);
  if (depth > MAX_FILTER_DEPTH) throw new BadRequestError(root, `${root} nests AND deeper than ${MAX_FILTER_DEPTH} levels (at ${path})`);
  for (const [key, value] of Object.entries(node)) {
    const at = `${path}.${key}`;
    if (key === 'AND' || (key === 'OR' && Array.isArray(value) && value.length === 1)) {
      if (!Array.isArray(value)) throw new BadRequestError(at, `${at} must be an array of conditions`);
      value.forEach((c, i) => walk(c, `${at}.${i}`, out, depth + 1, root));
    } else if (key === 'OR' || key === 'NOT') {
      throw new BadRequestError(at, `${at} is not supported (only AND of user_id, agent_id, run_id and created_at conditions)`);
    } else if (key in ENTITY_KEYS) {
      merge(out, ENTITY_KEYS[key as keyof typeof ENTITY_KEYS], entityValue(value, at), at);
    } else if (key === 'created_at') {
      if (!isObject(value)) throw new BadRequestError(at, `${at} must be a range like {"gte": "2026-01-01"}`);
      for (const [op, bound] of Object.entries(value)) {
        const d = dateValue(bound, `${at}.${op}`);
        if (op === 'gte' || op === 'gt') merge(out, 'since', op === 'gt' ? new Date(d.getTime() + 1) : d, `${at}.${op}`);
        else if (op === 'lte' || op === 'lt') merge(out, 'until', op === 'lt' ? new Date(d.getTime() - 1) : d, `${at}.${op}`);
        else throw new BadRequestError(`${at}.${op}`, `${at}.${op} is not supported (use gte, gt, lte, lt)`);
      }
    } else {
      throw new BadRequestError(at, `${at} is not supported (supported: user_id, agent_id, run_id, created_at, AND)`);
    }
  }
}

/**
 * Mem0's v3 `filters` (flat `{"user_id": "alice"}` or `{"AND": [{"user_id": "alice"}, {"created_at": {"gte": …}}]}`)
 * read into our scopes. `user_id` is required: every memory here belongs to one user.
 */
export function parseFilters(raw: unknown, path = 'filters'): Mem0Filters & { userId: string } {
  if (raw === undefined || raw === null) throw new BadRequestError(`${path}.user_id`, `${path}.user_id is required`);
  const out: Mem0Filters = {};
  walk(raw, path, out, 0, path);
  if (!out.userId) throw new BadRequestError(`${path}.user_id`, `${path}.user_id is required (every memory belongs to one user)`);
  if (out.since && out.until && out.since > out.until) throw new BadRequestError(`${path}.created_at`, `${path}.created_at is an empty range`);
  return out as Mem0Filters & { userId: string };
}
