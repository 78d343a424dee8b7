import { BadRequestError, FIELD_OPS, FILTER_OPS, type FilterField, type FilterLeaf, type FilterNode, type FilterOp, type FilterScalar } from '@frontier/memory-data-access';
import { idProblem, parseTime } from '@frontier/platform-util';

/** Most levels of AND / OR / NOT nesting a filter may have (each list of conditions is one). */
export const MAX_FILTER_DEPTH = 8;

/** Most conditions (leaves) one filter may hold, and most values in one `in` / `nin` list. */
export const MAX_FILTER_CONDITIONS = 100;
export const MAX_FILTER_LIST = 500;
/** Longest string a filter compares with (ids have their own limit: 128). */
export const MAX_FILTER_STRING = 1_000;
/** Longest metadata key. */
export const MAX_METADATA_KEY = 128;

const ENTITY = ['user_id', 'agent_id', 'app_id', 'run_id'] as const;
const TIME = ['created_at', 'updated_at', 'timestamp'] as const;
const LOGIC = { AND: 'and', OR: 'or', NOT: 'not' } as const;
/** Mem0 spells the id list `memory_ids`; `memory_id` is read the same. */
const ID_KEYS = ['memory_ids', 'memory_id'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SUPPORTED = 'user_id, agent_id, app_id, run_id, memory_ids, created_at, updated_at, timestamp, categories, metadata, AND, OR, NOT';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (path: string, why: string) => new BadRequestError(path, `${path} ${why}`);

interface Budget {
  leaves: number;
  root: string;
}

function stringValue(v: unknown, path: string, max = MAX_FILTER_STRING): string {
  if (typeof v !== 'string') throw bad(path, 'must be a string');
  if (v.length > max) throw bad(path, `must be at most ${max} characters`);
  return v;
}

function idValue(v: unknown, path: string): string {
  const s = stringValue(v, path, 128);
  const problem = idProblem(s);
  if (problem) throw bad(path, problem);
  return s;
}

function uuidValue(v: unknown, path: string): string {
  if (typeof v !== 'string' || !UUID.test(v)) throw bad(path, 'must be a memory id (a UUID)');
  return v.toLowerCase();
}

function timeValue(v: unknown, path: string): Date {
  const t = parseTime(v, 'bound', { seconds: true });
  if (!t.date) throw bad(path, t.problem);
  return t.date;
}

function metadataValue(v: unknown, path: string, op: FilterOp): FilterScalar {
  if (typeof v === 'string') return stringValue(v, path);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw bad(path, 'must be a finite number');
    if (op === 'icontains') throw bad(path, 'must be a string (icontains compares text)');
    return v;
  }
  if (typeof v === 'boolean' && ['eq', 'ne', 'in', 'nin', 'contains'].includes(op)) return v;
  throw bad(path, op === 'eq' || op === 'ne' || op === 'in' || op === 'nin' ? 'must be a string, a number or a boolean' : 'must be a string or a number');
}

/** One value (or list) of `op` on `field`, checked. */
function operand(field: FilterField, op: FilterOp, v: unknown, path: string): FilterScalar | FilterScalar[] | undefined {
  if (op === 'exists') {
    if (v !== '*' && v !== true) throw bad(path, 'must be "*" (any non-null value)');
    return undefined;
  }
  const check = (x: unknown, at: string): FilterScalar => {
    if (field === 'memory_id') return uuidValue(x, at);
    if ((TIME as readonly string[]).includes(field)) return timeValue(x, at);
    if ((ENTITY as readonly string[]).includes(field)) return op === 'contains' || op === 'icontains' ? stringValue(x, at, 128) : idValue(x, at);
    if (field === 'categories') return stringValue(x, at, 128);
    return metadataValue(x, at, op);
  };
  if (op === 'in' || op === 'nin') {
    if (!Array.isArray(v) || v.length === 0) throw bad(path, 'must be a non-empty array');
    if (v.length > MAX_FILTER_LIST) throw bad(path, `must list at most ${MAX_FILTER_LIST} values`);
    return v.map((x, i) => check(x, `${path}.${i}`));
  }
  return check(v, path);
}

/** `value` (a bare value, `"*"`, or `{op: value, …}`) of a field, as leaves. */
function conditions(field: FilterField, value: unknown, path: string, budget: Budget, key?: string): FilterNode {
  const leaf = (op: FilterOp, v: unknown, at: string): FilterLeaf => {
    if (!FIELD_OPS[field].includes(op)) throw bad(at, `is not supported: ${field} takes ${FIELD_OPS[field].map((o) => (o === 'exists' ? '"*"' : o)).join(', ')}`);
    if (++budget.leaves > MAX_FILTER_CONDITIONS) throw bad(budget.root, `must hold at most ${MAX_FILTER_CONDITIONS} conditions`);
    const x = operand(field, op, v, at);
    return { field, ...(key !== undefined ? { key } : {}), op, ...(x !== undefined ? { value: x } : {}) };
  };
  if (value === '*') return leaf('exists', '*', path);
  if (isObject(value)) {
    const ops = Object.entries(value);
    if (!ops.length) throw bad(path, 'must name an operator');
    const leaves = ops.map(([op, v]) => {
      if (!(FILTER_OPS as readonly string[]).includes(op) || op === 'exists') throw bad(`${path}.${op}`, `is not an operator (use ${FIELD_OPS[field].filter((o) => o !== 'exists').join(', ')}, or "*" for any value)`);
      return leaf(op as FilterOp, v, `${path}.${op}`);
    });
    return leaves.length === 1 ? (leaves[0] as FilterLeaf) : { and: leaves };
  }
  if (Array.isArray(value)) {
    if (field === 'categories' || field === 'memory_id') return leaf('in', value, path);
    throw bad(path, 'must be a value or an operator object like {"in": [...]}');
  }
  if (value === null || value === undefined) throw bad(path, 'must not be null');
  return leaf('eq', value, path);
}

function metadataNode(value: unknown, at: string, budget: Budget): FilterNode {
  if (!isObject(value) || !Object.keys(value).length) throw bad(at, 'must be an object of metadata keys, like {"source": "email"} or {"priority": {"gte": 3}}');
  const keys = Object.entries(value).map(([k, v]) => {
    if (!k.length || k.length > MAX_METADATA_KEY) throw bad(`${at}.${k}`, `key must be 1 to ${MAX_METADATA_KEY} characters`);
    return conditions('metadata', v, `${at}.${k}`, budget, k);
  });
  return keys.length === 1 ? (keys[0] as FilterNode) : { and: keys };
}

function node(raw: unknown, path: string, depth: number, budget: Budget): FilterNode {
  if (!isObject(raw)) throw bad(path, 'must be an object');
  if (depth > MAX_FILTER_DEPTH) throw bad(budget.root, `nests AND / OR / NOT deeper than ${MAX_FILTER_DEPTH} levels (at ${path})`);
  const entries = Object.entries(raw);
  if (!entries.length) throw bad(path, 'must hold at least one condition');
  const parts = entries.map(([key, value]): FilterNode => {
    const at = `${path}.${key}`;
    if (key in LOGIC) {
      if (!Array.isArray(value) || !value.length) throw bad(at, 'must be a non-empty array of conditions');
      const children = value.map((c, i) => node(c, `${at}.${i}`, depth + 1, budget));
      const op = LOGIC[key as keyof typeof LOGIC];
      return op === 'and' ? { and: children } : op === 'or' ? { or: children } : { not: children };
    }
    if ((ENTITY as readonly string[]).includes(key) || (TIME as readonly string[]).includes(key) || key === 'categories') return conditions(key as FilterField, value, at, budget);
    if (ID_KEYS.includes(key)) return conditions('memory_id', value, at, budget);
    if (key === 'metadata') return metadataNode(value, at, budget);
    if (key === 'keywords') throw bad(at, 'is not supported: memory texts are encrypted at rest (use search with keyword_search: true)');
    throw bad(at, `is not a filter field (supported: ${SUPPORTED}; metadata keys go under "metadata")`);
  });
  return parts.length === 1 ? (parts[0] as FilterNode) : { and: parts };
}

/**
 * Mem0's filter language read into a {@link FilterNode}: `AND` / `OR` / `NOT` of any arity (an
 * object's several keys are ANDed), fields with a bare value (eq), `"*"` (any non-null value) or
 * operators `eq, ne, in, nin, gt, gte, lt, lte, contains, icontains`. A bad filter is a 400 naming
 * the exact path (`filters.AND.1.metadata.priority.gte`).
 */
export function parseFilter(raw: unknown, path = 'filters'): FilterNode {
  if (raw === undefined || raw === null) throw bad(path, 'is required (name a user_id, agent_id, app_id or run_id)');
  return node(raw, path, 0, { leaves: 0, root: path });
}

/** A metadata condition object on its own (`{"source": "email", "priority": {"gte": 3}}`), as older clients send beside `filters`. */
export function parseMetadataFilter(raw: unknown, path = 'metadata'): FilterNode {
  return metadataNode(raw, path, { leaves: 0, root: path });
}
