/**
 * The architecture is enforced by lint. `tools/lint-fixtures/domain` is a project tagged
 * scope:recsys + type:domain whose files break the rules on purpose (its own lint target is a
 * no-op); this suite lints them with the root config and expects the module-boundary rule to
 * refuse them. Loosening the depConstraints or the banned imports makes it fail.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const eslintBin = path.join(root, 'node_modules/eslint/bin/eslint.js');
const fixture = (f: string) => `tools/lint-fixtures/domain/src/${f}`;

interface LintMessage {
  ruleId: string | null;
  message: string;
}

function boundaryErrors(file: string): string[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [eslintBin, '--format', 'json', file], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      encoding: 'utf8',
    });
  } catch (e) {
    // exit code 1 = lint errors found; the JSON report is still on stdout
    out = (e as { stdout: string }).stdout;
  }
  const [result] = JSON.parse(out) as Array<{ messages: LintMessage[] }>;
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it('a domain lib importing @nestjs/common (or any framework/driver package) fails lint', () => {
    const errors = boundaryErrors(fixture('imports-framework.ts'));
    const banned = ['@nestjs/common', 'ioredis', 'bullmq', '@prisma/client', 'class-validator', 'onnxruntime-node', '@qdrant/js-client-rest'];
    for (const pkg of banned) expect(errors).toContain(`A project tagged with "type:domain" is not allowed to import "${pkg}"`);
    expect(errors).toHaveLength(banned.length);
  });

  it('a domain lib importing a platform lib fails lint (type constraint)', () => {
    expect(boundaryErrors(fixture('imports-platform.ts'))).toEqual([
      'A project tagged with "type:domain" can only depend on libs tagged with "type:domain", "type:util"',
    ]);
  });

  it('a domain lib may import node built-ins', () => {
    expect(boundaryErrors(fixture('clean.ts'))).toEqual([]);
  });
});
