import { Prisma } from '@frontier/platform-prisma';

/**
 * A filter over memories (Mem0's filter language, read by the Mem0 routes), compiled to a
 * parameterized SQL condition: every value is a bound parameter, never spliced into the text.
 *
 * Semantics (two-valued: a condition on an absent field is false, so `NOT` is plain negation):
 * - `eq` / `ne`: equal / has a value and differs (a missing field is neither).
 * - `in` / `nin`: equal to one of the values / has a value equal to none of them.
 * - `gt` `gte` `lt` `lte`: numbers compare as numbers, strings byte-wise (UTF-8, collation "C"),
 *   times as instants; a value of another type never matches.
 * - `contains` / `icontains`: substring of a string (case-insensitively: Postgres `lower()`); of
 *   an array field (categories, a metadata array): one element equal to (`contains`) or, for
 *   strings, containing (`icontains`) the value.
 * - `exists` (Mem0's `"*"`): has a non-null value.
 * - `and`, `or` of any number of conditions; `not` of a list: none of them holds.
 */
export type FilterOp = 'eq' | 'ne' | 'in' | 'nin' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'icontains' | 'exists';
export const FILTER_OPS: readonly FilterOp[] = ['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'contains', 'icontains', 'exists'];

/** Fields a filter may name; `metadata` takes a key. */
export type FilterField = 'user_id' | 'agent_id' | 'app_id' | 'run_id' | 'memory_id' | 'created_at' | 'updated_at' | 'timestamp' | 'categories' | 'metadata';

export type FilterScalar = string | number | boolean | Date;

/** One condition on one field (`key`: the metadata key). */
export interface FilterLeaf {
  field: FilterField;
  key?: string;
  op: FilterOp;
  value?: FilterScalar | FilterScalar[];
}

export type FilterNode = { and: FilterNode[] } | { or: FilterNode[] } | { not: FilterNode[] } | FilterLeaf;

/** Operators each field accepts (the parser refuses the others, naming them). */
export const FIELD_OPS: Record<FilterField, readonly FilterOp[]> = {
  user_id: ['eq', 'ne', 'in', 'nin', 'exists', 'contains', 'icontains'],
  agent_id: ['eq', 'ne', 'in', 'nin', 'exists', 'contains', 'icontains'],
  app_id: ['eq', 'ne', 'in', 'nin', 'exists', 'contains', 'icontains'],
  run_id: ['eq', 'ne', 'in', 'nin', 'exists', 'contains', 'icontains'],
  memory_id: ['eq', 'ne', 'in', 'nin'],
  created_at: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'],
  updated_at: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'],
  timestamp: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'],
  categories: ['eq', 'ne', 'in', 'nin', 'contains', 'icontains', 'exists'],
  metadata: FILTER_OPS,
};

/**
 * Memories added under an agent, an app or a run with no user (Mem0 allows it) belong to an
 * owner scope of their own: this prefix (a control character, which no client id may contain)
 * then the entity kind and id. Such an owner is never a `user_id`.
 */
export const ENTITY_OWNER_PREFIX = '\u0001';
export type OwnerKind = 'agent' | 'app' | 'run';

export const entityOwner = (kind: OwnerKind, id: string): string => `${ENTITY_OWNER_PREFIX}${kind}:${id}`;

/** The client's user id of an owner (null for an agent's / app's / run's own scope). */
export const clientUserId = (owner: string): string | null => (owner.startsWith(ENTITY_OWNER_PREFIX) ? null : owner);

/** The entity an owner scope stands for, when it is not a user. */
export function ownerEntity(owner: string): { kind: OwnerKind; id: string } | null {
  if (!owner.startsWith(ENTITY_OWNER_PREFIX)) return null;
  const i = owner.indexOf(':');
  return { kind: owner.slice(1, i) as OwnerKind, id: owner.slice(i + 1) };
}

const RUN_EXPR = Prisma.sql`(CASE WHEN strpos(s."external_id", '#') = 0 THEN s."external_id" ELSE NULLIF(split_part(s."external_id", '#', 1), '') END)`;

/** SQL text expression of an id field (aliases: `m` memories, `s` its session, left-joined). */
function textExpr(field: FilterField): Prisma.Sql {
  switch (field) {
    case 'user_id':
      return Prisma.sql`(CASE WHEN left(m."user_id", 1) = ${ENTITY_OWNER_PREFIX} THEN NULL ELSE m."user_id" END)`;
    case 'agent_id':
      return Prisma.sql`s."agent_id"`;
    case 'app_id':
      return Prisma.sql`s."app_id"`;
    default:
      return RUN_EXPR;
  }
}

const TIME_COLUMN = { created_at: Prisma.sql`m."created_at"`, updated_at: Prisma.sql`m."updated_at"`, timestamp: Prisma.sql`m."valid_at"` } as const;
const CATEGORIES = Prisma.sql`(ARRAY[m."type"] || m."categories")`;
const CMP = { gt: Prisma.raw('>'), gte: Prisma.raw('>='), lt: Prisma.raw('<'), lte: Prisma.raw('<='), eq: Prisma.raw('='), ne: Prisma.raw('<>') } as const;

const list = (v: FilterLeaf): FilterScalar[] => (Array.isArray(v.value) ? v.value : [v.value as FilterScalar]);
const one = (v: FilterLeaf): FilterScalar => (Array.isArray(v.value) ? (v.value[0] as FilterScalar) : (v.value as FilterScalar));
const str = (x: FilterScalar): string => (x instanceof Date ? x.toISOString() : String(x));
const bool = (cond: Prisma.Sql): Prisma.Sql => Prisma.sql`COALESCE(${cond}, false)`;

function textLeaf(e: Prisma.Sql, n: FilterLeaf): Prisma.Sql {
  // `user_id = …` / `IN (…)` on the column itself (never null, and no client id starts with the
  // entity-owner prefix): a plain conjunct the planner serves from the (tenant_id, user_id) index
  if (n.field === 'user_id' && (n.op === 'eq' || n.op === 'in') && list(n).every((v) => !str(v).startsWith(ENTITY_OWNER_PREFIX))) {
    return n.op === 'eq' ? Prisma.sql`(m."user_id" = ${str(one(n))})` : Prisma.sql`(m."user_id" = ANY(${list(n).map(str)}::text[]))`;
  }
  switch (n.op) {
    case 'eq':
      return bool(Prisma.sql`${e} = ${str(one(n))}`);
    case 'ne':
      return bool(Prisma.sql`${e} <> ${str(one(n))}`);
    case 'in':
      return bool(Prisma.sql`${e} = ANY(${list(n).map(str)}::text[])`);
    case 'nin':
      return bool(Prisma.sql`${e} <> ALL(${list(n).map(str)}::text[])`);
    case 'contains':
      return bool(Prisma.sql`strpos(${e}, ${str(one(n))}) > 0`);
    case 'icontains':
      return bool(Prisma.sql`strpos(lower(${e}), lower(${str(one(n))})) > 0`);
    case 'exists':
      return Prisma.sql`(${e} IS NOT NULL)`;
    default:
      throw new Error(`filter: ${n.field} does not take ${n.op}`);
  }
}

function idLeaf(n: FilterLeaf): Prisma.Sql {
  const ids = list(n).map(str);
  if (n.op === 'eq') return Prisma.sql`(m."id" = ${ids[0]}::uuid)`;
  if (n.op === 'ne') return Prisma.sql`(m."id" <> ${ids[0]}::uuid)`;
  if (n.op === 'in') return Prisma.sql`(m."id" = ANY(${ids}::uuid[]))`;
  if (n.op === 'nin') return Prisma.sql`(m."id" <> ALL(${ids}::uuid[]))`;
  throw new Error(`filter: memory_id does not take ${n.op}`);
}

function timeLeaf(n: FilterLeaf): Prisma.Sql {
  const op = CMP[n.op as keyof typeof CMP];
  if (!op || n.op === 'in' || n.op === 'nin') throw new Error(`filter: ${n.field} does not take ${n.op}`);
  const at = one(n);
  // the time columns are never null: a plain comparison (sargable)
  return Prisma.sql`(${TIME_COLUMN[n.field as keyof typeof TIME_COLUMN]} ${op} ${str(at instanceof Date ? at : new Date(str(at)))}::timestamptz)`;
}

function categoriesLeaf(n: FilterLeaf): Prisma.Sql {
  switch (n.op) {
    case 'eq':
      return Prisma.sql`(${str(one(n))} = ANY(${CATEGORIES}))`;
    case 'ne':
      return Prisma.sql`(NOT (${str(one(n))} = ANY(${CATEGORIES})))`;
    case 'in':
      return Prisma.sql`(${CATEGORIES} && ${list(n).map(str)}::text[])`;
    case 'nin':
      return Prisma.sql`(NOT (${CATEGORIES} && ${list(n).map(str)}::text[]))`;
    case 'contains':
      return Prisma.sql`EXISTS (SELECT 1 FROM unnest(${CATEGORIES}) c WHERE strpos(c, ${str(one(n))}) > 0)`;
    case 'icontains':
      return Prisma.sql`EXISTS (SELECT 1 FROM unnest(${CATEGORIES}) c WHERE strpos(lower(c), lower(${str(one(n))})) > 0)`;
    case 'exists':
      return Prisma.sql`(cardinality(${CATEGORIES}) > 0)`;
    default:
      throw new Error(`filter: categories does not take ${n.op}`);
  }
}

const json = (x: FilterScalar): Prisma.Sql => Prisma.sql`${JSON.stringify(x instanceof Date ? x.toISOString() : x)}::jsonb`;

function metadataLeaf(n: FilterLeaf): Prisma.Sql {
  // a stored JSON null counts as absent
  const x = Prisma.sql`NULLIF(m."user_metadata" -> ${n.key ?? ''}, 'null'::jsonb)`;
  const v = one(n);
  switch (n.op) {
    case 'eq':
      // containment: the same as `-> key = value` for a scalar value, and served by the GIN index
      return Prisma.sql`(m."user_metadata" IS NOT NULL AND m."user_metadata" @> jsonb_build_object(${n.key ?? ''}::text, ${json(v)}))`;
    case 'ne':
      return bool(Prisma.sql`${x} <> ${json(v)}`);
    case 'in':
      return bool(Prisma.sql`${x} = ANY(ARRAY[${Prisma.join(list(n).map(json))}])`);
    case 'nin':
      return bool(Prisma.sql`${x} <> ALL(ARRAY[${Prisma.join(list(n).map(json))}])`);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const op = CMP[n.op];
      if (typeof v === 'number') return bool(Prisma.sql`CASE WHEN jsonb_typeof(${x}) = 'number' THEN (${x})::numeric ${op} ${v}::numeric END`);
      return bool(Prisma.sql`CASE WHEN jsonb_typeof(${x}) = 'string' THEN (${x} #>> '{}') COLLATE "C" ${op} ${str(v)} COLLATE "C" END`);
    }
    case 'contains':
      return bool(
        typeof v === 'string'
          ? Prisma.sql`CASE jsonb_typeof(${x}) WHEN 'string' THEN strpos(${x} #>> '{}', ${v}) > 0 WHEN 'array' THEN ${x} @> jsonb_build_array(${json(v)}) ELSE false END`
          : Prisma.sql`CASE jsonb_typeof(${x}) WHEN 'array' THEN ${x} @> jsonb_build_array(${json(v)}) ELSE false END`,
      );
    case 'icontains':
      return bool(
        Prisma.sql`CASE jsonb_typeof(${x}) WHEN 'string' THEN strpos(lower(${x} #>> '{}'), lower(${str(v)})) > 0 WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${x}) e WHERE jsonb_typeof(e) = 'string' AND strpos(lower(e #>> '{}'), lower(${str(v)})) > 0) ELSE false END`,
      );
    case 'exists':
      return Prisma.sql`(${x} IS NOT NULL)`;
  }
}

/**
 * The condition as SQL over `memories m LEFT JOIN memory_sessions s ON s.id = m.session_id`
 * (see {@link FILTER_FROM}); every value is a parameter.
 */
export function compileFilter(node: FilterNode): Prisma.Sql {
  if ('and' in node) return Prisma.sql`(${Prisma.join(node.and.map(compileFilter), ' AND ')})`;
  if ('or' in node) return Prisma.sql`(${Prisma.join(node.or.map(compileFilter), ' OR ')})`;
  if ('not' in node) return Prisma.sql`(NOT (${Prisma.join(node.not.map(compileFilter), ' OR ')}))`;
  switch (node.field) {
    case 'memory_id':
      return idLeaf(node);
    case 'created_at':
    case 'updated_at':
    case 'timestamp':
      return timeLeaf(node);
    case 'categories':
      return categoriesLeaf(node);
    case 'metadata':
      return metadataLeaf(node);
    default:
      return textLeaf(textExpr(node.field), node);
  }
}

/** The FROM clause {@link compileFilter}'s condition is written against. */
export const FILTER_FROM = Prisma.sql`"memories" m LEFT JOIN "memory_sessions" s ON s."id" = m."session_id"`;
