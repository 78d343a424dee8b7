import { parseCommandLine, UsageError, type CliOptions } from './args';

const NOW = new Date('2025-03-10T12:00:00Z');
const T = '3f2c1e9a-7b4d-4c8e-9a1f-0d2e3c4b5a69';

function run(argv: string[]): CliOptions {
  const cmd = parseCommandLine(argv, NOW);
  if (cmd.kind !== 'run') throw new Error(`expected a run, got ${cmd.kind}`);
  return cmd.options;
}

function usage(argv: string[]): string {
  try {
    parseCommandLine(argv, NOW);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('reads an OBD run with defaults: logged and uniform, item-position q̂, 10,000 resamples, α 0.05', () => {
    const o = run(['--obd', 'data/obd', '--campaign', 'women', '--behavior', 'bts']);
    expect(o.source).toEqual({ kind: 'obd', dir: 'data/obd', campaign: 'women', behavior: 'bts' });
    expect(o.policies).toEqual([{ kind: 'logged' }, { kind: 'uniform' }]);
    expect(o).toMatchObject({ rewardModel: 'item-position', folds: 3, bootstrap: 10_000, alpha: 0.05, seed: 12345, json: false });
    expect(o.plot).toBeUndefined();
    expect(o.ipsClip).toBeUndefined();
  });

  it('leaves campaign and behavior open when not given (resolved against the folder later)', () => {
    expect(run(['--obd', 'x']).source).toEqual({ kind: 'obd', dir: 'x', campaign: undefined, behavior: undefined });
  });

  it('reads repeated --policy in order, static files and greedy columns', () => {
    const o = run(['--obd', 'x', '--policy', 'uniform', '--policy', 'static:p.json', '--policy', 'greedy:user-item_affinity', '--policy', 'static:q.CSV']);
    expect(o.policies).toEqual([
      { kind: 'uniform' },
      { kind: 'static', file: 'p.json' },
      { kind: 'greedy', column: 'user-item_affinity' },
      { kind: 'static', file: 'q.CSV' },
    ]);
  });

  it('reads a Postgres run: relative and ISO windows, reward types, action count', () => {
    const o = run(['--db', 'postgres://u:p@h/db', '--tenant', T, '--since', '7d', '--until', '2025-03-10T06:00Z', '--reward', 'click,purchase,click', '--n-actions', '5000', '--surface', 'home']);
    expect(o.source).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@h/db',
      tenant: T,
      since: new Date('2025-03-03T12:00:00Z'),
      until: new Date('2025-03-10T06:00:00Z'),
      surface: 'home',
      rewardTypes: ['click', 'purchase'],
      nActions: 5000,
    });
    expect((run(['--db', 'postgresql://h/db', '--tenant', T, '--since', '90m']).source as { since: Date }).since).toEqual(new Date('2025-03-10T10:30:00Z'));
  });

  it('reads estimator options, clips (inf allowed), --json and --plot with its size', () => {
    const o = run(['--obd', 'x', '--bootstrap', '0', '--alpha', '0.1', '--seed', '7', '--ips-clip', '10', '--dros-lambda', 'inf', '--folds', '5', '--reward-model', 'none', '--json', '--plot', 'out/ope.png', '--plot-width', '640', '--plot-height', '400']);
    expect(o).toMatchObject({ bootstrap: 0, alpha: 0.1, seed: 7, ipsClip: 10, drosLambda: Infinity, folds: 5, rewardModel: 'none', json: true, plot: { path: 'out/ope.png', width: 640, height: 400 } });
    expect(run(['--obd', 'x', '--plot', 'a.png']).plot).toEqual({ path: 'a.png', width: 900, height: 520 });
  });

  it('answers help and version before checking anything else', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-h', '--obd', 'x', '--db', 'y'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it.each([
    [[], 'no data: give --obd <dir> or --db <url> --tenant <uuid>'],
    [['--obd'], '--obd needs a value'],
    [['--obd', 'x', '--frobnicate'], 'unknown option --frobnicate'],
    [['--obd', 'x', 'extra'], 'unexpected argument extra: options start with --'],
    [['--json=yes', '--obd', 'x'], '--json takes no value'],
    [['--obd', 'x', '--db', 'postgres://h/d'], 'give either --obd or --db, not both'],
    [['--obd', 'x', '--campaign', 'kids'], '--campaign must be one of men, women, all, got kids'],
    [['--obd', 'x', '--behavior', 'greedy'], '--behavior must be one of random, bts, got greedy'],
    [['--obd', 'x', '--tenant', 't'], '--tenant applies to --db, not --obd'],
    [['--db', 'postgres://h/d', '--tenant', T, '--campaign', 'men'], '--campaign applies to --obd, not --db'],
    [['--db', 'mysql://h/d', '--tenant', T], '--db must be a postgres:// or postgresql:// URL, got mysql://h/d'],
    [['--db', 'postgres://h/d'], '--db needs --tenant <uuid>'],
    [['--db', 'postgres://h/d', '--tenant', 'acme'], '--tenant must be a tenant id (a UUID), got acme'],
    [['--db', 'postgres://h/d', '--tenant', T, '--since', 'yesterday'], '--since must be an ISO time (2025-01-31, 2025-01-31T12:00Z) or a duration (90m, 24h, 7d), got yesterday'],
    [['--db', 'postgres://h/d', '--tenant', T, '--since', '1d', '--until', '2d'], '--since must be before --until'],
    [['--db', 'postgres://h/d', '--tenant', T, '--reward', 'click,like'], '--reward must be one of click, purchase, watch, got like'],
    [['--db', 'postgres://h/d', '--tenant', T, '--policy', 'greedy:affinity'], "--policy greedy:affinity: the impression log keeps a score only for the items each request showed, so a greedy policy could only re-order the logging policy's own choices and its estimate would be biased; evaluate a ranker on OBD-format data with a score per item, or compare model versions with the gate (npm run recsys -- gate)"],
    [['--obd', 'x', '--policy', 'best'], 'unknown --policy best: use logged, uniform, static:<file> or greedy:<column>'],
    [['--obd', 'x', '--policy', 'static:'], '--policy static:<file> needs a file'],
    [['--obd', 'x', '--policy', 'static:p.yaml'], '--policy static:p.yaml: the file must be .json or .csv'],
    [['--obd', 'x', '--policy', 'greedy:'], '--policy greedy:<column> needs a score column'],
    [['--obd', 'x', '--policy', 'uniform', '--policy', 'uniform'], '--policy uniform is given twice'],
    [['--obd', 'x', '--bootstrap', '1e4'], '--bootstrap must be a whole number, got 1e4'],
    [['--obd', 'x', '--folds', '1'], '--folds must be between 2 and 100, got 1'],
    [['--obd', 'x', '--alpha', '1.5'], '--alpha must be a number in (0, 1), got 1.5'],
    [['--obd', 'x', '--ips-clip=-1'], '--ips-clip must be a number >= 0 (or inf), got -1'],
    [['--obd', 'x', '--ips-clip', '-1'], '--ips-clip needs a value (write --ips-clip=<value> for one starting with -)'],
    [['--obd', 'x', '--reward-model', 'logistic'], '--reward-model must be one of item-position, none, got logistic'],
    [['--obd', 'x', '--plot', 'out.svg'], '--plot must name a .png file, got out.svg'],
    [['--obd', 'x', '--plot-width', '300'], '--plot-width needs --plot'],
    [['--obd', 'x', '--plot', 'a.png', '--plot-height', '10'], '--plot-height must be between 150 and 8000, got 10'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(usage(argv)).toBe(message);
  });
});
