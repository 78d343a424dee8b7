/**
 * The Open Bandit Dataset arguments the recsys benches share: `<dir> <campaign>` (positional, or
 * `--obd <dir>` / `--campaign <name>`). The folder holds `{bts,random}/<campaign>/<campaign>.csv` and
 * `item_context.csv`; the number of items comes from `item_context.csv`, the number of slate positions
 * from the logs, so nothing is tied to one campaign or size. Without a campaign the folder must hold
 * exactly one (the shared sample holds "men" only); anything missing ends the bench with one line
 * naming the argument, exit code 2.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { obdItemCount, parseObdCsv, type ObdRows } from '@frontier/recsys-domain';
import { benchArgs, usageError } from '../../lib/harness';

export type LoggingPolicy = 'bts' | 'random';

export interface ObdCampaign {
  readonly dir: string;
  readonly campaign: string;
  /** From `item_context.csv` (the same in every logging policy's folder that is read). */
  readonly nItems: number;
  /** The logs of each policy asked for. */
  readonly logs: Readonly<Record<LoggingPolicy, ObdRows | undefined>>;
  /** Slate length: the largest logged position + 1 over the logs read. */
  readonly lenList: number;
}

const ROOT = resolve(__dirname, '../../..');
const DEFAULT_DIR = '../shared/data/obd';

/**
 * Reads the campaign named on the command line (`positionalFrom`: index of `<dir>` among the
 * positional arguments; the bench's own come after `<campaign>`). `policies`: the logging policies
 * the bench needs.
 */
export function obdCampaignArgs(usage: string, policies: readonly LoggingPolicy[], positionalFrom = 0): ObdCampaign {
  const { flags, positional } = benchArgs();
  const dirArg = flags.get('obd') ?? positional[positionalFrom];
  const dir = dirArg !== undefined ? resolve(dirArg) : resolve(ROOT, DEFAULT_DIR);
  if (!existsSync(dir)) usageError(`${dirArg ?? `${DEFAULT_DIR} (the default)`}: not found (expected the Open Bandit Dataset folder); usage: ${usage}`);
  const found = campaignsIn(dir, policies);
  let campaign = flags.get('campaign') ?? positional[positionalFrom + 1];
  if (campaign === undefined) {
    if (found.length !== 1) usageError(`name a campaign: ${dir} holds ${found.length ? found.join(', ') : 'none'} for ${policies.join(' and ')}; usage: ${usage}`);
    campaign = found[0] as string;
  }
  const counts: number[] = [];
  const logs: Record<LoggingPolicy, ObdRows | undefined> = { bts: undefined, random: undefined };
  for (const p of policies) {
    const folder = join(dir, p, campaign);
    for (const f of [`${campaign}.csv`, 'item_context.csv']) {
      if (!existsSync(join(folder, f))) usageError(`campaign ${campaign}: ${join(folder, f)} not found (campaigns with ${policies.join(' and ')} logs here: ${found.join(', ') || 'none'})`);
    }
    counts.push(obdItemCount(readFileSync(join(folder, 'item_context.csv'), 'utf8')));
    logs[p] = parseObdCsv(readFileSync(join(folder, `${campaign}.csv`), 'utf8'));
  }
  const nItems = counts[0] as number;
  if (counts.some((c) => c !== nItems)) usageError(`campaign ${campaign}: item_context.csv differs between ${policies.join(' and ')} (${counts.join(' vs ')} items)`);
  let lenList = 1;
  for (const rows of Object.values(logs)) if (rows) for (const k of rows.position) lenList = Math.max(lenList, k + 1);
  return { dir, campaign, nItems, logs, lenList };
}

/** Campaign folders present under every one of `policies`. */
function campaignsIn(dir: string, policies: readonly LoggingPolicy[]): string[] {
  const under = (p: string) => (existsSync(join(dir, p)) ? readdirSync(join(dir, p)).filter((c) => existsSync(join(dir, p, c, `${c}.csv`))) : []);
  const [first = 'bts', ...rest] = policies;
  return under(first).filter((c) => rest.every((p) => under(p).includes(c))).sort();
}

/** The logs of one policy the campaign was read with (an error if it was not asked for). */
export function logsOf(c: ObdCampaign, policy: LoggingPolicy): ObdRows {
  const rows = c.logs[policy];
  if (!rows) throw new Error(`campaign ${c.campaign}: ${policy} logs were not read`);
  return rows;
}
