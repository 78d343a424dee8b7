/**
 * Every library's package.json lists exactly what its built sources import: each lib's
 * eslint.config.mjs spreads `dependencyChecks()` from the root config (@nx/dependency-checks on
 * package.json), so `nx lint` fails on a missing or an unused dependency. This suite checks that
 * every library is wired to it and that the rule bites both ways on a doctored package.json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const eslintBin = path.join(root, 'node_modules/eslint/bin/eslint.js');

/** Library roots: folders under libs/ holding both a project.json and a package.json. */
function libraryRoots(): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (fs.existsSync(path.join(dir, 'project.json')) && fs.existsSync(path.join(dir, 'package.json'))) out.push(path.relative(root, dir));
    if (depth === 0) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && e.name !== 'src' && e.name !== 'node_modules') walk(path.join(dir, e.name), depth - 1);
  };
  walk(path.join(root, 'libs'), 2);
  return out.sort();
}

describe('@nx/dependency-checks on library package.json files', () => {
  it('every library lints its package.json with dependencyChecks()', () => {
    const libs = libraryRoots();
    expect(libs).toEqual(expect.arrayContaining(['libs/memory/domain', 'libs/platform/util', 'libs/recsys/domain']));
    const unchecked = libs.filter((lib) => {
      const config = path.join(root, lib, 'eslint.config.mjs');
      return !fs.existsSync(config) || !/\.\.\.dependencyChecks\(/.test(fs.readFileSync(config, 'utf8'));
    });
    expect(unchecked).toEqual([]);
  });

  it('a missing and an unused dependency both fail lint', () => {
    const lib = path.join(root, 'libs/recsys/domain');
    const pkg = JSON.parse(fs.readFileSync(path.join(lib, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    // drop @frontier/platform-util (recsys-domain imports it), add ajv (it does not)
    const doctored = JSON.stringify({ ...pkg, dependencies: { ajv: '8.20.0' } }, null, 2);
    let out: string;
    try {
      out = execFileSync(process.execPath, [eslintBin, '--format', 'json', '--stdin', '--stdin-filename', 'package.json'], {
        cwd: lib,
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
        encoding: 'utf8',
        input: doctored,
      });
    } catch (e) {
      out = (e as { stdout: string }).stdout; // exit code 1: errors found
    }
    const [result] = JSON.parse(out) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
    const messages = (result?.messages ?? []).filter((m) => m.ruleId === '@nx/dependency-checks').map((m) => m.message);
    expect(messages).toEqual([
      expect.stringMatching(/^The "recsys-domain" project uses the following packages, but they are missing from "dependencies":\s+- @frontier\/platform-util$/),
      'The "ajv" package is not used by "recsys-domain" project.',
    ]);
  }, 120_000);
});
