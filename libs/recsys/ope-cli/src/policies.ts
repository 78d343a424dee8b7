import { readFileSync } from 'node:fs';
import { rankWithTies } from '@frontier/recsys-domain';
import { policyName, type PolicySpec } from './args';
import type { LoggedData } from './data';

/**
 * A candidate policy's evaluation distribution π_e(a | x_i, k_i), in the cheapest exact form:
 * - `logged`: π_e = π_b (the on-policy mean; only the logged action's probability is known);
 * - `table`: context-free, one `[nActions, lenList]` table (index `a * lenList + k`) for every row;
 * - `dense`: per row, rows [start, end) written as OBP's `[rows, nActions, lenList]` action_dist;
 * - `sparse`: per row, the actions with non-zero probability at the row's own position.
 */
export type EvaluationDistribution =
  | { readonly kind: 'logged' }
  | { readonly kind: 'table'; readonly table: Float64Array }
  | { readonly kind: 'dense'; fill(start: number, end: number, out: Float64Array): void }
  | { readonly kind: 'sparse'; row(i: number): { readonly actions: ArrayLike<number>; readonly probs: ArrayLike<number> } };

export interface EvaluationPolicy {
  readonly name: string;
  readonly description: string;
  readonly distribution: EvaluationDistribution;
}

/** One entry of a static policy file: P(item at position) (position null: every position). */
export interface StaticEntry {
  readonly item: string;
  readonly position: number | null;
  readonly p: number;
}

const SUM_TOLERANCE = 1e-6;

/**
 * Reads a static action distribution. JSON: an array of probabilities by action index, or an
 * object `{ "<item id>": p }` / `{ "<item id>": [p at position 0, p at position 1, ...] }`.
 * CSV: a header with `item_id` and `probability` (or `prob`), optionally `position` (0-based).
 */
export function readStaticPolicyFile(file: string): StaticEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`static policy ${file}: ${(e as Error).message}`);
  }
  const fail = (msg: string): never => {
    throw new Error(`static policy ${file}: ${msg}`);
  };
  const entries: StaticEntry[] = [];
  const prob = (v: unknown, where: string): number => {
    const p = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!(p >= 0 && p <= 1)) fail(`${where}: probability ${String(v)} is not in [0, 1]`);
    return p;
  };
  if (file.toLowerCase().endsWith('.json')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      fail(`not valid JSON (${(e as Error).message})`);
    }
    if (Array.isArray(doc)) {
      doc.forEach((v, a) => entries.push({ item: String(a), position: null, p: prob(v, `action ${a}`) }));
    } else if (doc !== null && typeof doc === 'object') {
      for (const [item, v] of Object.entries(doc as Record<string, unknown>)) {
        if (Array.isArray(v)) v.forEach((pk, k) => entries.push({ item, position: k, p: prob(pk, `item ${item} position ${k}`) }));
        else entries.push({ item, position: null, p: prob(v, `item ${item}`) });
      }
    } else {
      fail('expected an array of probabilities or an object { "<item id>": probability }');
    }
  } else {
    const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
    const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
    const ci = header.indexOf('item_id');
    const cp = header.indexOf('probability') >= 0 ? header.indexOf('probability') : header.indexOf('prob');
    const ck = header.indexOf('position');
    if (ci < 0 || cp < 0) fail('a CSV needs the columns item_id and probability (and optionally position, 0-based)');
    for (let r = 1; r < lines.length; r++) {
      const f = lines[r].split(',').map((x) => x.trim());
      let position: number | null = null;
      if (ck >= 0) {
        position = Number(f[ck]);
        if (!Number.isInteger(position) || position < 0) fail(`line ${r + 1}: position ${f[ck]} (0-based positions)`);
      }
      entries.push({ item: f[ci], position, p: prob(f[cp], `line ${r + 1}`) });
    }
  }
  if (entries.length === 0) fail('no probabilities');
  return entries;
}

/**
 * The `[nActions, lenList]` table of a static policy, validated: every item must be an action of
 * the data (OBD: an index below the item count of item_context.csv) and every position's
 * probabilities must sum to 1. Items left out get probability 0.
 */
export function staticPolicyTable(entries: readonly StaticEntry[], data: LoggedData, file: string): Float64Array {
  const { nActions, lenList } = data;
  const index = actionIndex(data);
  const table = new Float64Array(nActions * lenList);
  const set = new Uint8Array(nActions * lenList);
  for (const e of entries) {
    const a = index.get(e.item);
    if (a === undefined) {
      throw new Error(
        data.actionIds
          ? `static policy ${file}: item ${e.item} is not in the action set`
          : `static policy ${file}: item ${e.item} is outside the ${nActions} actions (0..${nActions - 1}) of ${data.source.kind === 'obd' ? 'item_context.csv' : 'the data'}`,
      );
    }
    if (e.position !== null && e.position >= lenList) throw new Error(`static policy ${file}: position ${e.position} but the logs have ${lenList} position(s) (0-based)`);
    for (let k = 0; k < lenList; k++) {
      if (e.position !== null && e.position !== k) continue;
      if (set[a * lenList + k]) throw new Error(`static policy ${file}: item ${e.item} is given twice${lenList > 1 ? ` for position ${k}` : ''}`);
      set[a * lenList + k] = 1;
      table[a * lenList + k] = e.p;
    }
  }
  for (let k = 0; k < lenList; k++) {
    let s = 0;
    for (let a = 0; a < nActions; a++) s += table[a * lenList + k];
    if (Math.abs(s - 1) > SUM_TOLERANCE) throw new Error(`static policy ${file}: the probabilities${lenList > 1 ? ` at position ${k}` : ''} sum to ${s.toPrecision(6)}, not 1`);
  }
  return table;
}

/** Items named by static policy files that the data's action set lacks (Postgres: items never shown). */
export function unseenItems(entries: readonly StaticEntry[], data: LoggedData): string[] {
  if (!data.actionIds) return [];
  const index = actionIndex(data);
  return [...new Set(entries.map((e) => e.item).filter((item) => !index.has(item)))];
}

function actionIndex(data: LoggedData): Map<string, number> {
  return data.actionIds ? new Map(data.actionIds.map((id, a) => [id, a])) : new Map(Array.from({ length: data.nActions }, (_, a) => [String(a), a]));
}

/** Uniform random over the actions at every position. */
export function uniformTable(nActions: number, lenList: number): Float64Array {
  return new Float64Array(nActions * lenList).fill(1 / nActions);
}

/**
 * Greedy top-k on per-row scores `[n, nActions]`: position k gets the k-th best item; ties share
 * the positions they span (rankWithTies' exact marginals), so each row's table is OBP's action_dist.
 */
export function greedyOnScores(scores: Float64Array, nActions: number, lenList: number): EvaluationDistribution {
  if (lenList > nActions) throw new Error(`greedy: ${lenList} positions but only ${nActions} actions`);
  return {
    kind: 'dense',
    fill(start, end, out) {
      const block = nActions * lenList;
      for (let i = start; i < end; i++) {
        const { marginals } = rankWithTies(scores.subarray(i * nActions, (i + 1) * nActions), lenList);
        out.set(marginals.p, (i - start) * block);
      }
    },
  };
}

/**
 * Greedy re-ranking of each logged request: the request's shown items sorted by their logged score
 * fill the request's logged positions in order (ties share them). Items without a score rank last.
 * π_e only ever picks items the request showed, which the logging policy chose, so its estimate
 * is biased as a policy value: the CLI refuses greedy policies on the impression log, and this
 * stays a library function for comparing orderings of the same logged candidates.
 */
export function greedyWithinRequests(requestOf: Int32Array, position: Int32Array, action: Int32Array, score: Float64Array): EvaluationDistribution {
  const n = requestOf.length;
  let nRequests = 0;
  for (let i = 0; i < n; i++) if (requestOf[i] + 1 > nRequests) nRequests = requestOf[i] + 1;
  // rows grouped by request (counting sort), each group ordered by position
  const start = new Int32Array(nRequests + 1);
  for (let i = 0; i < n; i++) start[requestOf[i] + 1]++;
  for (let g = 0; g < nRequests; g++) start[g + 1] += start[g];
  const rows = new Int32Array(n);
  const fillAt = start.slice(0, nRequests);
  for (let i = 0; i < n; i++) rows[fillAt[requestOf[i]]++] = i;
  const slot = new Int32Array(n); // rank of the row's position within its request
  const marg: Float64Array[] = new Array(nRequests);
  const members: Int32Array[] = new Array(nRequests);
  for (let g = 0; g < nRequests; g++) {
    const group = Array.from(rows.subarray(start[g], start[g + 1])).sort((x, y) => position[x] - position[y]);
    group.forEach((i, j) => (slot[i] = j));
    const s = group.map((i) => (Number.isNaN(score[i]) ? -Infinity : score[i]));
    marg[g] = rankWithTies(s, group.length).marginals.p;
    members[g] = Int32Array.from(group, (i) => action[i]);
  }
  return {
    kind: 'sparse',
    row(i) {
      const g = requestOf[i];
      const m = members[g].length;
      const probs = new Float64Array(m);
      for (let b = 0; b < m; b++) probs[b] = marg[g][b * m + slot[i]];
      return { actions: members[g], probs };
    },
  };
}

/** Builds every candidate policy named on the command line against the loaded data. */
export function buildPolicies(specs: readonly PolicySpec[], data: LoggedData, statics: ReadonlyMap<string, readonly StaticEntry[]>): EvaluationPolicy[] {
  return specs.map((spec): EvaluationPolicy => {
    const name = policyName(spec);
    switch (spec.kind) {
      case 'logged':
        return { name, description: 'the logging policy (on-policy mean)', distribution: { kind: 'logged' } };
      case 'uniform':
        return { name, description: `uniform random over ${data.nActions} actions`, distribution: { kind: 'table', table: uniformTable(data.nActions, data.lenList) } };
      case 'static': {
        const entries = statics.get(spec.file);
        if (!entries) throw new Error(`static policy ${spec.file} was not read`);
        return { name, description: `static distribution from ${spec.file}`, distribution: { kind: 'table', table: staticPolicyTable(entries, data, spec.file) } };
      }
      case 'greedy': {
        if (data.actionScores?.has(spec.column)) {
          return {
            name,
            description: `greedy top-${data.lenList} on ${spec.column}_<item>`,
            distribution: greedyOnScores(data.actionScores.get(spec.column) as Float64Array, data.nActions, data.lenList),
          };
        }
        throw new Error(`greedy:${spec.column}: the data has no such score column`);
      }
    }
  });
}
