import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { obdItemCount } from '@frontier/recsys-domain';
import { OBD_BEHAVIORS, OBD_CAMPAIGNS, UsageError, type ObdBehavior, type ObdCampaign } from '../args';
import type { LoggedData } from '../data';

/** One campaign of one logging policy in the Open Bandit Dataset layout. */
export interface ObdFolder {
  readonly csv: string;
  readonly itemContext: string;
  readonly campaign: ObdCampaign;
  /** random | bts, or null when the folder's parent is not named after one. */
  readonly behavior: ObdBehavior | null;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

/**
 * Finds `<campaign>.csv` and `item_context.csv` under `dir`, which may be the dataset root
 * (`<dir>/<behavior>/<campaign>/`), a behavior folder (`<dir>/<campaign>/`) or a campaign folder.
 * Campaign and behavior may be left out when the folder holds only one; otherwise a UsageError
 * names the choices.
 */
export function resolveObdFolder(dir: string, campaign?: ObdCampaign, behavior?: ObdBehavior): ObdFolder {
  const root = resolve(dir);
  if (!isDir(root)) throw new UsageError(`--obd ${dir}: no such directory`);
  const found: { folder: string; campaign: ObdCampaign; behavior: ObdBehavior | null }[] = [];
  const asBehavior = (name: string): ObdBehavior | null => ((OBD_BEHAVIORS as readonly string[]).includes(name) ? (name as ObdBehavior) : null);
  for (const c of OBD_CAMPAIGNS) if (isFile(join(root, `${c}.csv`))) found.push({ folder: root, campaign: c, behavior: asBehavior(basename(dirname(root))) });
  if (found.length === 0) {
    for (const c of OBD_CAMPAIGNS) if (isFile(join(root, c, `${c}.csv`))) found.push({ folder: join(root, c), campaign: c, behavior: asBehavior(basename(root)) });
  }
  if (found.length === 0) {
    for (const b of OBD_BEHAVIORS) {
      for (const c of OBD_CAMPAIGNS) if (isFile(join(root, b, c, `${c}.csv`))) found.push({ folder: join(root, b, c), campaign: c, behavior: b });
    }
  }
  if (found.length === 0) throw new UsageError(`--obd ${dir}: no Open Bandit Dataset campaign here (expected <behavior>/<campaign>/<campaign>.csv with campaign in ${OBD_CAMPAIGNS.join(', ')})`);
  const label = (f: (typeof found)[number]) => (f.behavior ? `${f.behavior}/${f.campaign}` : f.campaign);
  const matching = found.filter((f) => (!campaign || f.campaign === campaign) && (!behavior || f.behavior === null || f.behavior === behavior));
  if (matching.length === 0) {
    const wanted = [behavior, campaign].filter(Boolean).join('/');
    throw new UsageError(`--obd ${dir} has no ${wanted} (found: ${found.map(label).join(', ')})`);
  }
  if (matching.length > 1) {
    const campaigns = new Set(matching.map((f) => f.campaign));
    const flag = campaigns.size > 1 ? '--campaign' : '--behavior';
    throw new UsageError(`${flag} is needed: ${dir} holds ${matching.map(label).join(', ')}`);
  }
  const f = matching[0];
  return { csv: join(f.folder, `${f.campaign}.csv`), itemContext: join(f.folder, 'item_context.csv'), campaign: f.campaign, behavior: f.behavior ?? behavior ?? null };
}

/** Number of items: the rows of `item_context.csv` (the domain's `obdItemCount`: ids must run 0..n−1). */
export function readItemCount(itemContextCsv: string): number {
  if (!isFile(itemContextCsv)) throw new Error(`${itemContextCsv} is missing: the number of items is read from it`);
  try {
    return obdItemCount(readFileSync(itemContextCsv, 'utf8'));
  } catch (e) {
    throw new Error(`${itemContextCsv}: ${(e as Error).message.replace(/^OBD item_context\.csv: /, '')}`);
  }
}

export interface ReadObdOptions {
  readonly nActions: number;
  /** Score column prefixes to read, each as `[n, nActions]` (`<prefix>_<a>` or `<prefix><a>`). */
  readonly scoreColumns?: readonly string[];
  /** Called as bytes are read (for a progress bar). */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/**
 * Streams an OBD `<campaign>.csv` into columns: item_id → action, position (1-based in the file)
 * → 0-based, click → reward, propensity_score → pscore. Rejects item ids outside the item set and
 * propensities outside (0, 1].
 */
export async function readObdCampaign(folder: ObdFolder, options: ReadObdOptions): Promise<LoggedData> {
  const { nActions } = options;
  const total = statSync(folder.csv).size;
  const stream = createReadStream(folder.csv, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const action = new Grow(Int32Array);
  const position = new Grow(Int32Array);
  const reward = new Grow(Float64Array);
  const pscore = new Grow(Float64Array);
  const scoreCols: { name: string; cols: Int32Array; out: Grow<Float64Array> }[] = [];
  let header: string[] | undefined;
  let ci = -1;
  let cp = -1;
  let cc = -1;
  let cs = -1;
  let lineNo = 0;
  let lastReport = 0;
  const fail = (msg: string): never => {
    throw new Error(`${folder.csv} line ${lineNo}: ${msg}`);
  };
  for await (const line of lines) {
    lineNo++;
    if (line.length === 0) continue;
    const f = line.split(',');
    if (!header) {
      header = f;
      const need = (name: string) => {
        const i = f.indexOf(name);
        if (i < 0) throw new Error(`${folder.csv}: column ${name} missing (an OBD campaign file has item_id, position, click, propensity_score)`);
        return i;
      };
      ci = need('item_id');
      cp = need('position');
      cc = need('click');
      cs = need('propensity_score');
      for (const name of options.scoreColumns ?? []) scoreCols.push({ name, cols: scoreColumnIndices(f, name, nActions, folder.csv), out: new Grow(Float64Array) });
      continue;
    }
    const a = Number(f[ci]);
    if (!Number.isInteger(a) || a < 0 || a >= nActions) fail(`item_id ${f[ci]} is outside the ${nActions} items of item_context.csv`);
    const k = Number(f[cp]);
    if (!Number.isInteger(k) || k < 1) fail(`position ${f[cp]} (positions are 1, 2, 3, ...)`);
    const r = Number(f[cc]);
    if (f[cc] === '' || !Number.isFinite(r)) fail(`click ${f[cc]} is not a number`);
    const p = Number(f[cs]);
    if (!(p > 0 && p <= 1)) fail(`propensity_score ${f[cs]} must be in (0, 1]`);
    action.push(a);
    position.push(k - 1);
    reward.push(r);
    pscore.push(p);
    for (const s of scoreCols) {
      for (let j = 0; j < nActions; j++) {
        const v = Number(f[s.cols[j]]);
        if (!Number.isFinite(v)) fail(`${header[s.cols[j]]} ${f[s.cols[j]]} is not a number`);
        s.out.push(v);
      }
    }
    if (options.onProgress && lineNo - lastReport >= 2000) {
      lastReport = lineNo;
      options.onProgress(stream.bytesRead, total);
    }
  }
  if (!header || action.length === 0) throw new Error(`${folder.csv} has no rows`);
  options.onProgress?.(total, total);
  const pos = position.done();
  let lenList = 0;
  for (let i = 0; i < pos.length; i++) if (pos[i] + 1 > lenList) lenList = pos[i] + 1;
  return {
    action: action.done(),
    position: pos,
    reward: reward.done(),
    pscore: pscore.done(),
    nActions,
    lenList,
    actionScores: new Map(scoreCols.map((s) => [s.name, s.out.done()])),
    source: { kind: 'obd', csv: folder.csv, itemContext: folder.itemContext, campaign: folder.campaign, behavior: folder.behavior },
  };
}

/** Header indices of `<prefix>_<a>` (or `<prefix><a>`) for a = 0..nActions−1. */
function scoreColumnIndices(header: readonly string[], prefix: string, nActions: number, file: string): Int32Array {
  const cols = new Int32Array(nActions);
  for (let a = 0; a < nActions; a++) {
    let i = header.indexOf(`${prefix}_${a}`);
    if (i < 0) i = header.indexOf(`${prefix}${a}`);
    if (i < 0) {
      const similar = header.filter((h) => h.startsWith(prefix)).length;
      throw new Error(
        `greedy:${prefix}: ${file} has no column ${prefix}_${a} (${similar} columns start with ${prefix}; a score per item 0..${nActions - 1} is needed)`,
      );
    }
    cols[a] = i;
  }
  return cols;
}

type TypedCtor<T> = { new (n: number): T };

/** An append-only typed array that doubles as it fills. */
class Grow<T extends Int32Array | Float64Array> {
  private buf: T;
  length = 0;

  constructor(private readonly Ctor: TypedCtor<T>) {
    this.buf = new Ctor(1024);
  }

  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new this.Ctor(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }

  done(): T {
    return this.buf.slice(0, this.length) as T;
  }
}
