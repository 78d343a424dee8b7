import { parseArgs } from 'node:util';

/** A mistake in the command line: the CLI prints its one-line message and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const OBD_CAMPAIGNS = ['men', 'women', 'all'] as const;
export const OBD_BEHAVIORS = ['random', 'bts'] as const;
export const REWARD_MODELS = ['item-position', 'none'] as const;
export const EVENT_REWARD_TYPES = ['click', 'purchase', 'watch'] as const;

export type ObdCampaign = (typeof OBD_CAMPAIGNS)[number];
export type ObdBehavior = (typeof OBD_BEHAVIORS)[number];
export type RewardModelKind = (typeof REWARD_MODELS)[number];
export type EventRewardType = (typeof EVENT_REWARD_TYPES)[number];

/** A candidate policy named on the command line (`--policy`). */
export type PolicySpec =
  | { readonly kind: 'logged' }
  | { readonly kind: 'uniform' }
  | { readonly kind: 'static'; readonly file: string }
  | { readonly kind: 'greedy'; readonly column: string };

export type SourceSpec =
  | { readonly kind: 'obd'; readonly dir: string; readonly campaign?: ObdCampaign; readonly behavior?: ObdBehavior }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly tenant: string;
      readonly since?: Date;
      readonly until?: Date;
      readonly surface?: string;
      readonly rewardTypes: readonly EventRewardType[];
      readonly nActions?: number;
    };

export interface CliOptions {
  readonly source: SourceSpec;
  readonly policies: readonly PolicySpec[];
  readonly rewardModel: RewardModelKind;
  readonly folds: number;
  readonly bootstrap: number;
  readonly alpha: number;
  readonly seed: number;
  readonly ipsClip?: number;
  readonly drClip?: number;
  readonly switchLambda?: number;
  readonly drosLambda?: number;
  readonly json: boolean;
  readonly plot?: { readonly path: string; readonly width: number; readonly height: number };
}

export type ParsedCommand = { readonly kind: 'help' } | { readonly kind: 'version' } | { readonly kind: 'run'; readonly options: CliOptions };

export const USAGE = `frontier-ope: off-policy evaluation of candidate policies on logged bandit feedback

Usage:
  frontier-ope --obd <dir> [--campaign men|women|all] [--behavior random|bts] [options]
  frontier-ope --db <url> --tenant <uuid> [--since <time>] [--until <time>] [--surface <name>]
               [--reward click|purchase|watch[,...]] [--n-actions <n>] [options]

Data:
  --obd <dir>           Open Bandit Dataset folder: the root (<dir>/<behavior>/<campaign>/), a behavior
                        folder or a campaign folder (<campaign>.csv + item_context.csv); the number of
                        items is read from item_context.csv
  --db <url>            Postgres with recsys_impressions and recsys_events (reward = an event of the
                        --reward types on the same request_id and item_id; default click)
  --since, --until      ISO time, or a duration before now (90m, 24h, 7d)

Policies (--policy, repeatable; default: logged and uniform):
  logged                the logging policy itself (the on-policy mean reward)
  uniform               uniform random over the actions, at every position
  static:<file>         a fixed action distribution from a .json or .csv file
  greedy:<column>       top-k by a score: OBD reads <column>_<item> (e.g. greedy:user-item_affinity);
                        (OBD only: the impression log has no score for items it did not show)

Estimation:
  --reward-model item-position|none  q̂ for DM, DR, SNDR, Switch-DR, DRos (default item-position:
                        smoothed mean reward per item and position, cross-fitted over --folds, default 3)
  --bootstrap <n>       bootstrap resamples for the confidence intervals (default 10000; 0: none)
  --alpha <a>           interval level 1 − a (default 0.05)       --seed <n>  (default 12345)
  --ips-clip, --dr-clip, --switch-lambda, --dros-lambda <λ>     estimator hyper-parameters (default ∞)

Output:
  (default)             a table on stdout; a progress bar on stderr when it is a terminal
  --json                one JSON document on stdout instead
  --plot <out.png>      estimates with their intervals as a PNG (--plot-width 900, --plot-height 520)
  -h, --help            --version

Exit codes: 0 ok, 2 usage error, 1 failure.`;

const OPTIONS = {
  obd: { type: 'string' },
  campaign: { type: 'string' },
  behavior: { type: 'string' },
  db: { type: 'string' },
  tenant: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  surface: { type: 'string' },
  reward: { type: 'string' },
  'n-actions': { type: 'string' },
  policy: { type: 'string', multiple: true },
  'reward-model': { type: 'string' },
  folds: { type: 'string' },
  bootstrap: { type: 'string' },
  alpha: { type: 'string' },
  seed: { type: 'string' },
  'ips-clip': { type: 'string' },
  'dr-clip': { type: 'string' },
  'switch-lambda': { type: 'string' },
  'dros-lambda': { type: 'string' },
  json: { type: 'boolean' },
  plot: { type: 'string' },
  'plot-width': { type: 'string' },
  'plot-height': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: false }>>['values'];

/** Parses argv (without node and the script). Throws UsageError with a one-line message. */
export function parseCommandLine(argv: readonly string[], now: Date = new Date()): ParsedCommand {
  let values: Values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(describeParseError(e));
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const source = parseSource(values, now);
  const policies = (values.policy ?? ['logged', 'uniform']).map(parsePolicy);
  const names = policies.map(policyName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`--policy ${dup} is given twice`);
  if (source.kind === 'postgres') {
    const bad = policies.find((p) => p.kind === 'greedy');
    if (bad && bad.kind === 'greedy') {
      throw new UsageError(
        `--policy greedy:${bad.column}: the impression log keeps a score only for the items each request showed, so a greedy policy could only re-order the logging policy's own choices and its estimate would be biased; evaluate a ranker on OBD-format data with a score per item, or compare model versions with the gate (npm run recsys -- gate)`,
      );
    }
  }
  const plotPath = values.plot;
  if (plotPath !== undefined && !plotPath.toLowerCase().endsWith('.png')) throw new UsageError(`--plot must name a .png file, got ${plotPath}`);
  if (values['plot-width'] !== undefined && plotPath === undefined) throw new UsageError('--plot-width needs --plot');
  if (values['plot-height'] !== undefined && plotPath === undefined) throw new UsageError('--plot-height needs --plot');
  return {
    kind: 'run',
    options: {
      source,
      policies,
      rewardModel: oneOf('--reward-model', values['reward-model'] ?? 'item-position', REWARD_MODELS),
      folds: integer('--folds', values.folds, 3, 2, 100),
      bootstrap: integer('--bootstrap', values.bootstrap, 10_000, 0, 10_000_000),
      alpha: probability('--alpha', values.alpha, 0.05),
      seed: integer('--seed', values.seed, 12345, 0, 2 ** 32 - 1),
      ipsClip: lambda('--ips-clip', values['ips-clip']),
      drClip: lambda('--dr-clip', values['dr-clip']),
      switchLambda: lambda('--switch-lambda', values['switch-lambda']),
      drosLambda: lambda('--dros-lambda', values['dros-lambda']),
      json: values.json ?? false,
      plot:
        plotPath === undefined
          ? undefined
          : {
              path: plotPath,
              width: integer('--plot-width', values['plot-width'], 900, 200, 8000),
              height: integer('--plot-height', values['plot-height'], 520, 150, 8000),
            },
    },
  };
}

export function policyName(p: PolicySpec): string {
  switch (p.kind) {
    case 'logged':
    case 'uniform':
      return p.kind;
    case 'static':
      return `static:${p.file}`;
    case 'greedy':
      return `greedy:${p.column}`;
  }
}

function parseSource(v: Values, now: Date): SourceSpec {
  if (v.obd !== undefined && v.db !== undefined) throw new UsageError('give either --obd or --db, not both');
  if (v.obd !== undefined) {
    for (const flag of ['tenant', 'since', 'until', 'surface', 'reward', 'n-actions'] as const) {
      if (v[flag] !== undefined) throw new UsageError(`--${flag} applies to --db, not --obd`);
    }
    if (v.obd === '') throw new UsageError('--obd needs a directory');
    return {
      kind: 'obd',
      dir: v.obd,
      campaign: v.campaign === undefined ? undefined : oneOf('--campaign', v.campaign, OBD_CAMPAIGNS),
      behavior: v.behavior === undefined ? undefined : oneOf('--behavior', v.behavior, OBD_BEHAVIORS),
    };
  }
  if (v.db !== undefined) {
    for (const flag of ['campaign', 'behavior'] as const) {
      if (v[flag] !== undefined) throw new UsageError(`--${flag} applies to --obd, not --db`);
    }
    if (!/^postgres(ql)?:\/\//.test(v.db)) throw new UsageError(`--db must be a postgres:// or postgresql:// URL, got ${v.db}`);
    if (v.tenant === undefined || v.tenant === '') throw new UsageError('--db needs --tenant <uuid>');
    if (!UUID.test(v.tenant)) throw new UsageError(`--tenant must be a tenant id (a UUID), got ${v.tenant}`);
    const since = v.since === undefined ? undefined : time('--since', v.since, now);
    const until = v.until === undefined ? undefined : time('--until', v.until, now);
    if (since && until && !(since < until)) throw new UsageError('--since must be before --until');
    const rewardTypes = (v.reward ?? 'click').split(',').map((t) => oneOf('--reward', t.trim(), EVENT_REWARD_TYPES));
    return {
      kind: 'postgres',
      url: v.db,
      tenant: v.tenant,
      since,
      until,
      surface: v.surface,
      rewardTypes: [...new Set(rewardTypes)],
      nActions: v['n-actions'] === undefined ? undefined : integer('--n-actions', v['n-actions'], 0, 1, 1e9),
    };
  }
  throw new UsageError('no data: give --obd <dir> or --db <url> --tenant <uuid>');
}

function parsePolicy(s: string): PolicySpec {
  if (s === 'logged' || s === 'uniform') return { kind: s };
  const colon = s.indexOf(':');
  const head = colon < 0 ? s : s.slice(0, colon);
  const arg = colon < 0 ? '' : s.slice(colon + 1);
  if (head === 'static') {
    if (!arg) throw new UsageError('--policy static:<file> needs a file');
    if (!/\.(json|csv)$/i.test(arg)) throw new UsageError(`--policy static:${arg}: the file must be .json or .csv`);
    return { kind: 'static', file: arg };
  }
  if (head === 'greedy') {
    if (!arg) throw new UsageError('--policy greedy:<column> needs a score column');
    return { kind: 'greedy', column: arg };
  }
  throw new UsageError(`unknown --policy ${s}: use logged, uniform, static:<file> or greedy:<column>`);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got ${value === '' ? 'nothing' : value}`);
}

function integer(flag: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined) return dflt;
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${flag} must be a whole number, got ${raw}`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${raw}`);
  return n;
}

function probability(flag: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (raw.trim() === '' || !(n > 0 && n < 1)) throw new UsageError(`${flag} must be a number in (0, 1), got ${raw}`);
  return n;
}

function lambda(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (/^(inf|infinity|∞)$/i.test(raw.trim())) return Infinity;
  const n = Number(raw);
  if (raw.trim() === '' || !(n >= 0)) throw new UsageError(`${flag} must be a number >= 0 (or inf), got ${raw}`);
  return n;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, min: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

function time(flag: string, raw: string, now: Date): Date {
  const d = DURATION.exec(raw.trim());
  if (d) return new Date(now.getTime() - Number(d[1]) * UNIT_MS[d[2].toLowerCase()]);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw.trim())) {
    const t = new Date(raw.trim());
    if (!Number.isNaN(t.getTime())) return t;
  }
  throw new UsageError(`${flag} must be an ISO time (2025-01-31, 2025-01-31T12:00Z) or a duration (90m, 24h, 7d), got ${raw}`);
}

function describeParseError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(err.message ?? '')?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = /--[\w-]+/.exec(err.message ?? '')?.[0];
      if (!flag) return (err.message ?? 'invalid option value').split('\n')[0];
      if (err.message?.includes('does not take')) return `${flag} takes no value`;
      if (err.message?.includes('ambiguous')) return `${flag} needs a value (write ${flag}=<value> for one starting with -)`;
      return `${flag} needs a value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted ?? ''}: options start with --`.trim();
    default:
      return (err.message ?? String(e)).split('\n')[0];
  }
}
