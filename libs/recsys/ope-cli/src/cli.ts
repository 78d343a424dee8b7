import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseCommandLine, USAGE, UsageError, type CliOptions, type PolicySpec } from './args';
import type { LoggedData } from './data';
import { evaluatePolicies, type EvaluationReport } from './evaluate';
import { buildPolicies, readStaticPolicyFile, unseenItems, type StaticEntry } from './policies';
import { opeChartSpec, renderChartPng } from './plot';
import { NO_PROGRESS, type Progress } from './progress';
import { formatTable, toJsonReport } from './report';
import { fitItemPositionModel } from './reward-model';
import { readItemCount, readObdCampaign, resolveObdFolder } from './sources/obd';
import { readImpressionLog, redactUrl, withPostgres } from './sources/postgres';

export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  /** Progress display for long steps (the bin passes a terminal bar on stderr when it is a TTY). */
  readonly progress?: Progress;
  /** "Now" for relative --since/--until (tests pin it). */
  readonly now?: Date;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function packageVersion(): string {
  for (const dir of [join(__dirname, '..'), join(__dirname, '..', '..')]) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@frontier/recsys-ope-cli' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next candidate
    }
  }
  return '0.0.0';
}

/** Runs `frontier-ope` with `argv` (no node, no script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const progress = io.progress ?? NO_PROGRESS;
  try {
    const cmd = parseCommandLine(argv, io.now);
    if (cmd.kind === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (cmd.kind === 'version') {
      io.stdout.write(`frontier-ope ${packageVersion()}\n`);
      return EXIT_OK;
    }
    const report = await evaluate(cmd.options, progress);
    let plot: { path: string; width: number; height: number } | undefined;
    if (cmd.options.plot) {
      const { path, width, height } = cmd.options.plot;
      const png = await renderChartPng(opeChartSpec(report), { width, height });
      const out = resolve(path);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, png);
      plot = { path: out, width, height };
    }
    if (cmd.options.json) {
      io.stdout.write(`${JSON.stringify({ ...(toJsonReport(report, packageVersion()) as object), plot: plot ?? null }, null, 2)}\n`);
    } else {
      io.stdout.write(formatTable(report));
      if (plot) io.stdout.write(`\nplot: ${plot.path} (${plot.width}x${plot.height} PNG)\n`);
    }
    return EXIT_OK;
  } catch (e) {
    progress.stop();
    if (e instanceof UsageError) {
      io.stderr.write(`frontier-ope: ${e.message} (frontier-ope --help for usage)\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`frontier-ope: error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_FAILURE;
  }
}

/** Loads the data, builds the candidate policies and evaluates them (the whole job behind the CLI). */
export async function evaluate(options: CliOptions, progress: Progress = NO_PROGRESS): Promise<EvaluationReport> {
  const statics = new Map<string, StaticEntry[]>();
  for (const p of options.policies) if (p.kind === 'static') statics.set(p.file, readStaticPolicyFile(p.file));
  let data = await load(options, progress);
  if (data.actionIds) {
    const extra = unseenItems([...statics.values()].flat(), data);
    if (extra.length > 0) data = withExtraActions(data, extra);
  }
  const policies = buildPolicies(options.policies, data, statics);
  const model = options.rewardModel === 'none' ? undefined : fitItemPositionModel(data, options.folds, options.seed);
  const withBootstrap = options.bootstrap > 0;
  const report = await evaluatePolicies(
    data,
    policies,
    {
      bootstrap: options.bootstrap,
      alpha: options.alpha,
      seed: options.seed,
      ipsClip: options.ipsClip,
      drClip: options.drClip,
      switchLambda: options.switchLambda,
      drosLambda: options.drosLambda,
    },
    model,
    {
      onPolicy: async (done, total) => {
        if (!withBootstrap) return;
        if (done === 0) progress.start('bootstrap', total * options.bootstrap, 'resamples');
        progress.update(done * options.bootstrap);
        if (done === total) progress.stop();
        // let the bar draw before the next synchronous bootstrap
        await new Promise((r) => setImmediate(r));
      },
    },
  );
  return report;
}

async function load(options: CliOptions, progress: Progress): Promise<LoggedData> {
  const src = options.source;
  if (src.kind === 'obd') {
    const folder = resolveObdFolder(src.dir, src.campaign, src.behavior);
    const nActions = readItemCount(folder.itemContext);
    const scoreColumns = options.policies.filter((p): p is Extract<PolicySpec, { kind: 'greedy' }> => p.kind === 'greedy').map((p) => p.column);
    let started = false;
    try {
      return await readObdCampaign(folder, {
        nActions,
        scoreColumns,
        onProgress: (bytes, total) => {
          if (!started) progress.start(`reading ${folder.campaign}.csv`, Math.ceil(total / 1024), 'KiB');
          started = true;
          progress.update(Math.ceil(bytes / 1024));
        },
      });
    } finally {
      progress.stop();
    }
  }
  const log = await withPostgres(src.url, async (db) => {
    let started = false;
    try {
      return await readImpressionLog(
        db,
        { tenant: src.tenant, since: src.since, until: src.until, surface: src.surface, rewardTypes: src.rewardTypes },
        {
          nActions: src.nActions,
          onProgress: (rows, total) => {
            if (!started) progress.start('reading impressions', total, 'rows');
            started = true;
            progress.update(rows);
          },
        },
      );
    } finally {
      progress.stop();
    }
  });
  const { requests, exploredRows, ...logged } = log;
  return {
    ...logged,
    source: {
      kind: 'postgres',
      database: redactUrl(src.url),
      tenant: src.tenant,
      since: src.since?.toISOString() ?? null,
      until: src.until?.toISOString() ?? null,
      surface: src.surface ?? null,
      rewardTypes: src.rewardTypes,
      requests,
      exploredRows,
      actionSet: src.nActions === undefined ? 'distinct items in the window' : 'given by --n-actions',
    },
  };
}

/** Adds items a static policy names but the log never showed (they are actions the logger never took). */
function withExtraActions(data: LoggedData, items: readonly string[]): LoggedData {
  const actionIds = [...(data.actionIds ?? []), ...items];
  const given = data.source.kind === 'postgres' && data.source.actionSet === 'given by --n-actions';
  if (given && actionIds.length > data.nActions) {
    throw new UsageError(`--n-actions ${data.nActions} is below the ${actionIds.length} items of the log and the static policies`);
  }
  return { ...data, actionIds, nActions: Math.max(data.nActions, actionIds.length) };
}
