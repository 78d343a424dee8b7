import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli } from './cli';
import { NO_PROGRESS, terminalProgress } from './progress';
import { EXPECTED, writeObdFixture, type ObdFixture } from './testing.spec-helper';

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('frontier-ope (runCli)', () => {
  let fx: ObdFixture;
  beforeAll(() => {
    fx = writeObdFixture();
    writeFileSync(join(fx.root, 'half.csv'), 'item_id,probability\n0,0.5\n1,0.5\n');
  });
  afterAll(() => fx.cleanup());

  it('--json prints one JSON document: source, settings, and per policy its diagnostics and estimates with intervals', async () => {
    const r = await cli(['--obd', fx.root, '--behavior', 'bts', '--policy', 'logged', '--policy', 'uniform', '--policy', `static:${join(fx.root, 'half.csv')}`, '--bootstrap', '500', '--folds', '2', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT_OK);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['tool', 'version', 'source', 'rows', 'actions', 'positions', 'loggedMean', 'rewardModel', 'settings', 'policies', 'plot']);
    expect(doc).toMatchObject({
      tool: 'frontier-ope',
      version: '0.1.0',
      source: { kind: 'obd', campaign: 'men', behavior: 'bts', csv: join(fx.root, 'bts', 'men', 'men.csv') },
      rows: 6,
      actions: 4,
      positions: 2,
      loggedMean: EXPECTED.loggedMean,
      rewardModel: 'item-position mean reward, 2-fold cross-fitted (prior strength 10)',
      settings: { bootstrap: 500, alpha: 0.05, seed: 12345, ipsClip: null, drClip: null, switchLambda: null, drosLambda: null },
      plot: null,
    });
    expect(doc.policies.map((p: { name: string }) => p.name)).toEqual(['logged', 'uniform', `static:${join(fx.root, 'half.csv')}`]);
    const [logged, uniform, half] = doc.policies;
    expect(Object.keys(logged.estimates)).toEqual(['ips', 'snips']); // π_b is known only at the logged action
    expect(Object.keys(uniform.estimates)).toEqual(['ips', 'snips', 'dm', 'dr', 'sndr', 'switchDr', 'drOs']);
    expect(Object.keys(uniform)).toEqual(['name', 'description', 'diagnostics', 'reliable', 'warnings', 'estimates']);
    expect(Object.keys(uniform.diagnostics)).toEqual(['n', 'ess', 'essFraction', 'meanWeight', 'maxWeight', 'maxWeightShare']);
    expect(uniform.estimates.ips.estimate).toBeCloseTo(EXPECTED.uniform.ips, 14);
    expect(uniform.estimates.snips.estimate).toBeCloseTo(EXPECTED.uniform.snips, 14);
    expect(half.estimates.ips.estimate).toBeCloseTo(EXPECTED.static.ips, 14);
    expect(half.estimates.snips.estimate).toBeCloseTo(EXPECTED.static.snips, 14);
    for (const e of Object.values(uniform.estimates) as { estimate: number; lower: number; upper: number; bootstrapMean: number }[]) {
      expect(typeof e.estimate).toBe('number');
      expect(e.lower).toBeLessThanOrEqual(e.upper);
      expect(typeof e.bootstrapMean).toBe('number');
    }
    expect(uniform.diagnostics).toMatchObject({ n: 6, maxWeight: EXPECTED.uniform.maxW });
    expect(uniform.reliable).toBe(false);
    expect(uniform.warnings[0]).toMatch(/^effective sample size/);
  });

  it('prints a table: estimator × policy with estimate, CI, ESS, max weight, warnings listed below', async () => {
    const r = await cli(['--obd', join(fx.root, 'bts'), '--policy', 'uniform', '--policy', 'greedy:user-item_affinity', '--bootstrap', '200', '--reward-model', 'none']);
    expect(r.code).toBe(EXIT_OK);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('OBD bts/men · 6 rows · 4 actions · 2 positions · logged mean reward 0.500000');
    expect(lines[1]).toBe('reward model: none (DM, DR, SNDR, Switch-DR, DRos not estimated) · bootstrap 200 resamples, 95% CI, seed 12345');
    expect(lines[3].split(/\s{2,}/)).toEqual(['policy', 'estimator', 'estimate', '95% CI', 'vs logged', 'ESS', 'max w', 'warnings']);
    const row = lines.find((l) => l.startsWith('uniform ') && l.includes('IPS') && !l.includes('SNIPS')) ?? '';
    expect(row).toContain(EXPECTED.uniform.ips.toFixed(6));
    expect(row).toContain('0.917x'); // 0.458333 / 0.5
    expect(row).toContain('2.50'); // max weight
    expect(row).toMatch(/\[\d\.\d{6}, \d\.\d{6}\]/);
    expect(r.stdout).toContain(`greedy:user-item_affinity  SNIPS      ${EXPECTED.greedy.snips.toFixed(6)}`);
    expect(r.stdout).toContain('warnings (estimates of these policies are unreliable):\n  uniform: effective sample size');
  });

  it('--plot writes a PNG of the asked size and says where', async () => {
    const out = join(fx.root, 'plots', 'ope.png');
    const r = await cli(['--obd', fx.root, '--behavior', 'bts', '--bootstrap', '100', '--plot', out, '--plot-width', '700', '--plot-height', '380']);
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toContain(`plot: ${out} (700x380 PNG)`);
    const meta = await sharp(readFileSync(out)).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 700, height: 380 });
    const json = await cli(['--obd', fx.root, '--behavior', 'bts', '--bootstrap', '0', '--plot', out, '--json']);
    expect(JSON.parse(json.stdout).plot).toEqual({ path: out, width: 900, height: 520 });
  });

  it('usage errors: exit 2, one line on stderr, nothing on stdout', async () => {
    for (const argv of [[], ['--obd', fx.root], ['--obd', fx.root, '--behavior', 'bts', '--policy', 'best'], ['--obd', join(fx.root, 'missing')], ['--bogus']]) {
      const r = await cli(argv);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
      expect(r.stderr).toMatch(/^frontier-ope: .+ \(frontier-ope --help for usage\)\n$/);
    }
    expect((await cli(['--obd', fx.root])).stderr).toBe(`frontier-ope: --behavior is needed: ${fx.root} holds random/men, bts/men (frontier-ope --help for usage)\n`);
  });

  it('failures: exit 1 with the reason (bad data, a policy outside the item set, a missing score column)', async () => {
    writeFileSync(join(fx.root, 'wide.json'), JSON.stringify({ 0: 0.5, 7: 0.5 }));
    const outside = await cli(['--obd', fx.root, '--behavior', 'bts', '--policy', `static:${join(fx.root, 'wide.json')}`]);
    expect(outside.code).toBe(EXIT_FAILURE);
    expect(outside.stderr).toBe(`frontier-ope: error: static policy ${join(fx.root, 'wide.json')}: item 7 is outside the 4 actions (0..3) of item_context.csv\n`);
    const noColumn = await cli(['--obd', fx.root, '--behavior', 'bts', '--policy', 'greedy:popularity']);
    expect(noColumn.code).toBe(EXIT_FAILURE);
    expect(noColumn.stderr).toMatch(/^frontier-ope: error: greedy:popularity: .* has no column popularity_0/);
    rmSync(join(fx.root, 'random', 'men', 'item_context.csv'));
    const noItems = await cli(['--obd', fx.root, '--behavior', 'random']);
    expect(noItems.code).toBe(EXIT_FAILURE);
    expect(noItems.stderr).toMatch(/item_context.csv is missing: the number of items is read from it\n$/);
  });

  it('--help and --version go to stdout with exit 0', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(EXIT_OK);
    expect(help.stdout).toMatch(/^frontier-ope: off-policy evaluation/);
    expect(help.stdout).toContain('--obd <dir>');
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: 'frontier-ope 0.1.0\n', stderr: '' });
  });
});

describe('the progress bar', () => {
  it('is off unless stderr is a terminal', () => {
    expect(terminalProgress({ isTTY: false } as NodeJS.WriteStream)).toBe(NO_PROGRESS);
  });

  it('draws on a terminal and clears when the step ends', () => {
    const written: string[] = [];
    const tty = { isTTY: true, columns: 120, write: (s: string) => (written.push(s), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true } as unknown as NodeJS.WriteStream;
    const p = terminalProgress(tty);
    p.start('bootstrap', 4000, 'resamples');
    p.update(2000);
    p.stop();
    expect(written.join('')).toContain('bootstrap');
    expect(written.join('')).toMatch(/2000\/4000 resamples/);
  });
});

describe('the bin (a real process)', () => {
  const root = resolve(__dirname, '../../../..');
  const bin = resolve(__dirname, 'bin.ts');
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['-r', '@swc-node/register', bin, ...args], { cwd: root }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  let fx: ObdFixture;
  beforeAll(() => (fx = writeObdFixture()));
  afterAll(() => fx.cleanup());

  it('exits 2 on a usage error and 0 with one JSON document on stdout (no bar: stderr is a pipe)', async () => {
    const bad = await run(['--obd', fx.root, '--campaign', 'kids']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'frontier-ope: --campaign must be one of men, women, all, got kids (frontier-ope --help for usage)\n' });
    const ok = await run(['--obd', fx.root, '--behavior', 'random', '--bootstrap', '100', '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).policies[1].estimates.ips.estimate).toBeCloseTo(0.5, 12); // uniform logs: uniform = on-policy
  }, 60_000);
});
