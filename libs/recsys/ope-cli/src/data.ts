import type { LoggedFeedback } from '@frontier/recsys-domain';

/**
 * Logged bandit feedback in the shape the estimators take, whatever it was read from: one row per
 * shown item (per position for slates, as OBP's per-position data), actions numbered 0..nActions−1.
 */
export interface LoggedData extends LoggedFeedback {
  readonly position: Int32Array;
  /** Size of the action set (OBD: rows of item_context.csv; Postgres: distinct items or --n-actions). */
  readonly nActions: number;
  /** Number of positions (max logged position + 1). */
  readonly lenList: number;
  /** Action index → the source's item id (Postgres ids are strings; OBD's are the indices). */
  readonly actionIds?: readonly string[];
  /** Per-row scores for every action, `[n, nActions]` row-major, by column name (OBD greedy policies). */
  readonly actionScores?: ReadonlyMap<string, Float64Array>;
  /** Rows grouped by request: `requestOf[i]` numbers the request row i was shown in (Postgres). */
  readonly requestOf?: Int32Array;
  /** The logged score of the shown item (NaN where none), Postgres `score`. */
  readonly loggedScore?: Float64Array;
  /** What the rows came from, for the report. */
  readonly source: SourceInfo;
}

export type SourceInfo =
  | { readonly kind: 'obd'; readonly csv: string; readonly itemContext: string; readonly campaign: string; readonly behavior: string | null }
  | {
      readonly kind: 'postgres';
      readonly database: string;
      readonly tenant: string;
      readonly since: string | null;
      readonly until: string | null;
      readonly surface: string | null;
      readonly rewardTypes: readonly string[];
      readonly requests: number;
      readonly exploredRows: number;
      readonly actionSet: 'distinct items in the window' | 'given by --n-actions';
    };

/** Mean reward of the logs (the logging policy's on-policy value). */
export function loggedMean(data: LoggedData): number {
  let s = 0;
  for (let i = 0; i < data.reward.length; i++) s += data.reward[i];
  return s / data.reward.length;
}
