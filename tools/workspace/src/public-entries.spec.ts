/**
 * Benches and tools use the libraries through their public entries (`@frontier/<name>`, or a
 * deliberate secondary entry such as `@frontier/ml-audio/testing`), never through a relative path
 * into `libs/<scope>/<lib>/src`. The root eslint.config.mjs says so for bench/** and tools/**
 * (PUBLIC_ENTRIES_ONLY, `no-restricted-imports`); no Nx project lints those folders, so this suite
 * runs ESLint on them with the root config and expects no such import, and checks the rule is live.
 * Only that rule's messages count here (bench/ and tools/ are not held to the full lint).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const eslintBin = path.join(root, 'node_modules/eslint/bin/eslint.js');
const RULE = 'no-restricted-imports';

interface LintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; line: number; message: string }>;
}

function lint(args: string[], stdin?: string): LintResult[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [eslintBin, '--format', 'json', ...args], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      encoding: 'utf8',
      input: stdin,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    // exit code 1 = lint errors found (other rules count too); the JSON report is still on stdout
    out = (e as { stdout: string }).stdout;
  }
  return JSON.parse(out) as LintResult[];
}

const restricted = (results: LintResult[]) =>
  results.flatMap((r) => r.messages.filter((m) => m.ruleId === RULE).map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.message}`));

describe('bench and tools import libraries by their public entries', () => {
  it('no file under bench/ or tools/ imports a library by its sources', () => {
    expect(restricted(lint(['bench', 'tools']))).toEqual([]);
  }, 120_000);

  it('the rule refuses relative imports into libs/*/*/src and allows the @frontier entries', () => {
    const fixture = [
      "import { Rng } from '../../libs/recsys/domain/src/index';",
      "import { scoreMemory } from '../../../libs/memory/domain/src';",
      "import { estimatePolicyValue } from '@frontier/recsys-domain';",
      "import { espeak } from '@frontier/ml-audio/testing';",
      'export const used = [Rng, scoreMemory, estimatePolicyValue, espeak];',
      '',
    ].join('\n');
    const errors = restricted(lint(['--stdin', '--stdin-filename', 'bench/recsys/fixture.ts'], fixture));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^bench\/recsys\/fixture\.ts:1 '\.\.\/\.\.\/libs\/recsys\/domain\/src\/index' import is restricted/);
    expect(errors[1]).toMatch(/^bench\/recsys\/fixture\.ts:2 '\.\.\/\.\.\/\.\.\/libs\/memory\/domain\/src' import is restricted/);
  }, 120_000);
});
