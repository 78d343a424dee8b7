import type { LoggedFeedback } from './columns';

/**
 * Open Bandit Dataset rows (`{bts,random}/{campaign}/{campaign}.csv`) as columns. Parsing is pure
 * (text in); reading the file is the caller's job.
 */
export interface ObdRows {
  readonly itemId: Int32Array;
  /** 0-based (the CSV's 1, 2, 3 become 0, 1, 2, as OBP's `rankdata(position) − 1`). */
  readonly position: Int32Array;
  readonly click: Float64Array;
  readonly propensity: Float64Array;
}

export function parseObdCsv(text: string): ObdRows {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`OBD csv: column ${name} missing`);
    return i;
  };
  const ci = col('item_id');
  const cp = col('position');
  const cc = col('click');
  const cs = col('propensity_score');
  const n = lines.length - 1;
  const rows: ObdRows = {
    itemId: new Int32Array(n),
    position: new Int32Array(n),
    click: new Float64Array(n),
    propensity: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const f = lines[i + 1].split(',');
    rows.itemId[i] = Number(f[ci]);
    rows.position[i] = Number(f[cp]) - 1;
    rows.click[i] = Number(f[cc]);
    rows.propensity[i] = Number(f[cs]);
  }
  return rows;
}

/** OBD rows as logged feedback (action = item id, reward = click, pscore = propensity). */
export function obdFeedback(rows: ObdRows): LoggedFeedback {
  return { action: rows.itemId, position: rows.position, reward: rows.click, pscore: rows.propensity };
}

/**
 * The number of items (actions) of an OBD campaign, from its `item_context.csv`: one row per item,
 * ids exactly 0..n−1 (34 for "men", 46 for "women", 80 for "all"). Parsing is pure (text in).
 */
export function obdItemCount(itemContextCsv: string): number {
  const lines = itemContextCsv.split('\n').filter((l) => l.trim().length > 0);
  const header = lines[0]?.split(',') ?? [];
  const ci = header.indexOf('item_id');
  if (ci < 0) throw new Error('OBD item_context.csv: column item_id missing');
  const n = lines.length - 1;
  if (n === 0) throw new Error('OBD item_context.csv: no items');
  const seen = new Uint8Array(n);
  for (let r = 1; r <= n; r++) {
    const field = lines[r].split(',')[ci];
    const id = Number(field);
    if (!(Number.isInteger(id) && id >= 0 && id < n) || seen[id]) {
      throw new Error(`OBD item_context.csv: item ids must be 0..${n - 1}, each once; line ${r + 1} has ${field}`);
    }
    seen[id] = 1;
  }
  return n;
}
