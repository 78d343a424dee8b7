/**
 * The publishable libraries install and run outside this repo. For @frontier/recsys-domain and
 * @frontier/memory-domain (and every @frontier/* package their built package.json depends on, e.g.
 * @frontier/platform-util) this suite takes the built dist/<lib> folders, runs `npm pack` on each,
 * installs the tarballs with `npm install --offline` into a scratch project under os.tmpdir(), then
 * calls real functions from plain Node (require) and type-checks a TypeScript consumer against the
 * shipped .d.ts through the `exports` map (node16 resolution).
 *
 * The builds come from Nx: this project's `test` target depends on recsys-domain:build and
 * memory-domain:build (project.json), whose `^build` builds the workspace libs they import.
 * Running jest directly needs them built first: `npx nx run-many -t build -p recsys-domain memory-domain`.
 * Nothing here touches the network: these packages have no third-party dependencies, so npm
 * resolves everything from the tarballs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const ENTRY_PACKAGES = ['@frontier/recsys-domain', '@frontier/memory-domain'];

interface PackageJson {
  name: string;
  version: string;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  files?: string[];
  dependencies?: Record<string, string>;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

/** `@frontier/<name>` → dist/<lib path>, from its tsconfig.base.json alias (libs/a/b/src/index.ts). */
function distDirOf(pkg: string): string {
  const paths = readJson<{ compilerOptions: { paths: Record<string, string[]> } }>(path.join(root, 'tsconfig.base.json')).compilerOptions.paths;
  const entry = paths[pkg]?.[0];
  if (!entry) throw new Error(`${pkg} has no path alias in tsconfig.base.json`);
  return path.join(root, 'dist', entry.replace(/\/src\/index\.ts$/, ''));
}

function builtPackage(pkg: string): { dir: string; json: PackageJson } {
  const dir = distDirOf(pkg);
  const file = path.join(dir, 'package.json');
  if (!fs.existsSync(file)) {
    throw new Error(`${pkg} is not built (${path.relative(root, dir)} is missing): run \`npx nx test workspace\` (it builds what it needs) or build the library first`);
  }
  return { dir, json: readJson<PackageJson>(file) };
}

/** The entry packages plus every @frontier/* package they depend on, transitively. */
function workspaceClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (pkg: string) => {
    if (seen.has(pkg)) return;
    seen.add(pkg);
    for (const dep of Object.keys(builtPackage(pkg).json.dependencies ?? {})) if (dep.startsWith('@frontier/')) visit(dep);
  };
  entries.forEach(visit);
  return [...seen].sort();
}

/**
 * Environment for npm and node outside the workspace: `npm test` and Nx export npm_config_* (the
 * workspace's prefix, userconfig, ...) and NODE_PATH could let resolution fall back on this repo's
 * node_modules. Only the npm cache location is kept.
 */
function outsideEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_PATH' || k === 'NODE_OPTIONS' || (k.toLowerCase().startsWith('npm_') && k.toLowerCase() !== 'npm_config_cache')) continue;
    env[k] = v;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' };
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, env: outsideEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('publishable libraries: npm pack, install outside the workspace, use from plain Node', () => {
  const packages = workspaceClosure(ENTRY_PACKAGES);
  let scratch: string;
  let app: string;
  const packed = new Map<string, { filename: string; files: string[] }>();

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'frontier-pack-'));
    const tarballs = path.join(scratch, 'tarballs');
    app = path.join(scratch, 'app');
    fs.mkdirSync(tarballs);
    fs.mkdirSync(app);
    for (const pkg of packages) {
      const [info] = JSON.parse(run(npm, ['pack', builtPackage(pkg).dir, '--pack-destination', tarballs, '--ignore-scripts', '--json'], tarballs)) as Array<{
        filename: string;
        files: Array<{ path: string }>;
      }>;
      packed.set(pkg, { filename: path.join(tarballs, info.filename), files: info.files.map((f) => f.path) });
    }
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'frontier-pack-check', version: '1.0.0', private: true }, null, 2));
    run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...[...packed.values()].map((p) => p.filename)], app);
  }, 120_000);

  afterAll(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('packs recsys-domain, memory-domain and the workspace libs they depend on', () => {
    expect(packages).toEqual(expect.arrayContaining([...ENTRY_PACKAGES, '@frontier/platform-util']));
  });

  it('each tarball holds the built JavaScript and typings only, and its package.json points at them', () => {
    for (const pkg of packages) {
      const { json } = builtPackage(pkg);
      const files = packed.get(pkg)?.files ?? [];
      expect(files).toEqual(expect.arrayContaining(['package.json', 'src/index.js', 'src/index.d.ts']));
      const sources = files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'));
      const other = files.filter((f) => !/\.(js|d\.ts)$/.test(f) && f !== 'package.json' && !/^README\.md$/i.test(f));
      expect({ pkg, sources, other }).toEqual({ pkg, sources: [], other: [] });
      expect(files.filter((f) => /(spec|test|spec-helper)\.(js|d\.ts)$/.test(f))).toEqual([]);
      expect(json).toMatchObject({ main: './src/index.js', types: './src/index.d.ts', exports: { '.': { types: './src/index.d.ts', default: './src/index.js' } } });
      // workspace dependencies are pinned to the version the dependency's own package.json carries
      for (const [dep, version] of Object.entries(json.dependencies ?? {})) {
        if (dep.startsWith('@frontier/')) expect(`${dep}@${version}`).toBe(`${dep}@${builtPackage(dep).json.version}`);
      }
    }
    expect(builtPackage('@frontier/recsys-domain').json.dependencies).toHaveProperty('@frontier/platform-util');
  });

  it('plain Node requires the installed packages (not the workspace sources) and runs them', () => {
    const script = `
      const r = require('@frontier/recsys-domain');
      const m = require('@frontier/memory-domain');
      const u = require('@frontier/platform-util');
      // IPS / SNIPS of two logged rows: propensity 0.5 each, the target policy picks the rewarded one
      const acc = new r.OpeAccumulator();
      acc.add(0.5, 1, 1);
      acc.add(0.5, 0, 0);
      const est = acc.estimate();
      // scoring: epsilon-greedy slate over 3 candidate scores with the seeded Rng (from platform-util)
      const slate = r.epsilonGreedySlate([0.1, 0.9, 0.5], 2, 0.05, new r.Rng(7));
      // memory relevance: a 'context' memory at its 180-day half-life
      const now = new Date('2025-01-01T00:00:00Z');
      const s = m.scoreMemory({ memory: { type: 'context', confidence: 0.9, retrievalCount: 0, validAt: new Date(now.getTime() - 180 * 864e5) }, cosine: 0.8, lexical: 0.4 }, { now });
      console.log(JSON.stringify({
        resolved: ['@frontier/recsys-domain', '@frontier/memory-domain', '@frontier/platform-util'].map((p) => require.resolve(p)),
        ips: est.ips, snips: est.snips,
        slate: Array.from(slate.items), propensities: Array.from(slate.propensities),
        sameRng: r.Rng === u.Rng, cosine: u.cosine([1, 0], [1, 0]),
        score: s.score, recency: s.recency,
      }));
    `;
    const out = JSON.parse(run(process.execPath, ['-e', script], app)) as {
      resolved: string[];
      ips: number;
      snips: number;
      slate: number[];
      propensities: number[];
      sameRng: boolean;
      cosine: number;
      score: number;
      recency: number;
    };
    for (const file of out.resolved) expect(fs.realpathSync(file).startsWith(fs.realpathSync(path.join(app, 'node_modules')))).toBe(true);
    expect(out.ips).toBeCloseTo(1, 12);
    expect(out.snips).toBeCloseTo(1, 12);
    expect(out.slate).toEqual([1, 2]);
    // P(item at slot j) = (1 − ε)·1 + ε/K for the greedy items (K = 3 candidates)
    for (const p of out.propensities) expect(p).toBeCloseTo(0.95 + 0.05 / 3, 12);
    expect(out.sameRng).toBe(true); // one platform-util in the install: recsys-domain's dependency deduped
    expect(out.cosine).toBeCloseTo(1, 12);
    expect(out.recency).toBeCloseTo(0.5, 12);
    expect(out.score).toBeCloseTo(0.5 * (0.5 * 0.8 + 0.5 * 0.4) * 0.9, 12);
  });

  it('a TypeScript consumer type-checks against the shipped typings through the exports map', () => {
    fs.writeFileSync(
      path.join(app, 'consumer.ts'),
      `import { OpeAccumulator, Rng, epsilonGreedySlate, type SlateDecision } from '@frontier/recsys-domain';
import { scoreMemory, type ScoreBreakdown } from '@frontier/memory-domain';
import { cosine, FrontierError } from '@frontier/platform-util';
const acc = new OpeAccumulator({ ipsClip: 10 });
acc.add(0.5, 1, 1);
const ips: number = acc.estimate().ips;
const slate: SlateDecision = epsilonGreedySlate([0.1, 0.9], 1, 0.1, new Rng(1));
const s: ScoreBreakdown = scoreMemory({ memory: { type: 'context', confidence: 1, retrievalCount: 0, validAt: new Date() }, cosine: 1 }, { now: new Date() });
export const out = [ips, slate.items[0], s.score, cosine([1], [1]), FrontierError.name];
`,
    );
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2023'], types: [] }, files: ['consumer.ts'] }),
    );
    run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', app], app);
  }, 60_000);
});
