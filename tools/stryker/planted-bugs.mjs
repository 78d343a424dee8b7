// Replays the review's planted one-line bugs in recsys-domain's OPE (issue 9, item 10) and checks
// that the library's tests fail on each: `node tools/stryker/planted-bugs.mjs`.
//
// Each bug is applied to a scratch copy of the library at the same depth as libs/recsys/domain
// (<root>/tmp/planted-recsys/domain, so its jest.config.cjs and tsconfig chain resolve unchanged);
// the tree itself is never edited. Prints one line per bug (caught by which spec files, or MISSED)
// and a JSON headline last; exits 1 when any bug is missed.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const lib = join(root, 'libs/recsys/domain');
const scratch = join(root, 'tmp/planted-recsys/domain');

/** [label, file under src/ope, exact text, replacement] — each a one-line change. */
const BUGS = [
  ['bootstrap SNIPS not re-normalised', 'bootstrap.ts', 'reps[1][b] = sums[2] / sums[1];', 'reps[1][b] = sums[2] / n;'],
  ['bootstrap SNDR not re-normalised', 'bootstrap.ts', 'reps[4][b] = dm + sums[5] / sums[1];', 'reps[4][b] = dm + sums[5] / n;'],
  ['bootstrap DR replicate without DM', 'bootstrap.ts', 'reps[3][b] = dm + sums[4] / n;', 'reps[3][b] = sums[4] / n;'],
  ['bootstrap DRos ignores λ', 'bootstrap.ts', 't[j + 7] = drosWeight(w, lamO) * resid;', 't[j + 7] = w * resid;'],
  ['DRos ignores λ (point estimate)', 'accumulator.ts', 'return (lambda * w) / (w * w + lambda);', 'return w;'],
  ['lower percentile at α instead of α/2', 'bootstrap.ts', 'lower: percentileSorted(r, 100 * (alpha / 2)),', 'lower: percentileSorted(r, 100 * alpha),'],
  ['upper percentile at 1 − α instead of 1 − α/2', 'bootstrap.ts', 'upper: percentileSorted(r, 100 * (1 - alpha / 2)),', 'upper: percentileSorted(r, 100 * (1 - alpha)),'],
  ['percentile without interpolation', 'stats.ts', 'return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);', 'return sorted[lo];'],
  ['Switch-DR `<` instead of `<=` (point estimate)', 'accumulator.ts', 'if (w <= this.switchLambda) this.sumSwitchCorr += w * resid;', 'if (w < this.switchLambda) this.sumSwitchCorr += w * resid;'],
  ['Switch-DR `<` instead of `<=` (batch)', 'accumulator.ts', 'if (w <= lamS) sumSw += wRes;', 'if (w < lamS) sumSw += wRes;'],
  ['Switch-DR `<` instead of `<=` (bootstrap)', 'bootstrap.ts', 't[j + 6] = w <= lamS ? w * resid : 0;', 't[j + 6] = w < lamS ? w * resid : 0;'],
  ['mean-weight warning removed', 'accumulator.ts', "warnings.push(`mean importance weight ${meanWeight.toFixed(3)} is far from 1: support or propensity mismatch`);", ';'],
  ['SLOPE constant √6 − 1 changed', 'slope.ts', '(Math.sqrt(6) - 1)', '(Math.sqrt(3) - 1)'],
];

const results = [];
for (const [label, file, from, to] of BUGS) {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(dirname(scratch), { recursive: true });
  cpSync(lib, scratch, { recursive: true, filter: (p) => !p.includes('node_modules') && !p.includes(`${lib}/dist`) });
  const path = join(scratch, 'src/ope', file);
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) {
    results.push({ label, caught: false, error: `"${from}" is not exactly once in ${file} (the source moved: update this list)` });
    continue;
  }
  writeFileSync(path, text.slice(0, at) + to + text.slice(at + from.length));
  const jest = spawnSync(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '-c', 'jest.config.cjs', 'src/ope', '--silent', '--json', '--outputFile=planted.json'], {
    cwd: scratch,
    encoding: 'utf8',
  });
  const report = existsSync(join(scratch, 'planted.json')) ? JSON.parse(readFileSync(join(scratch, 'planted.json'), 'utf8')) : null;
  const failedSpecs = (report?.testResults ?? []).filter((t) => t.status === 'failed').map((t) => t.name.split('/src/ope/')[1]);
  const caught = jest.status !== 0 && failedSpecs.length > 0;
  results.push({ label, caught, by: failedSpecs });
  console.log(`${caught ? 'caught' : 'MISSED'}  ${label}${caught ? `  (${failedSpecs.join(', ')})` : ''}`);
}
rmSync(join(root, 'tmp/planted-recsys'), { recursive: true, force: true });
const missed = results.filter((r) => !r.caught);
for (const m of missed) if (m.error) console.log(`MISSED  ${m.label}: ${m.error}`);
console.log(JSON.stringify({ bench: 'planted-ope-bugs', planted: results.length, caught: results.length - missed.length, missed: missed.map((m) => m.label) }));
process.exit(missed.length ? 1 : 0);
