/**
 * `npm run new-scope -- <scope>` (tools/scripts/new-scope.mjs) writes a whole product scope. This
 * suite runs it in a scratch copy of the workspace's root files (no Prisma generation) and checks
 * what it wrote: six projects with their tags, one spec each, package.json dependencies, path
 * aliases, start scripts, the scope's Prisma file and a migration ordered after every existing one,
 * and that the root eslint config derives the scope's boundary without being edited.
 *
 * That a generated scope passes lint, test and build is checked by `bash tools/scripts/check-new-scope.sh`
 * (generates into a git worktree and runs `nx run-many -t lint test build` on the six projects;
 * minutes, so not part of this suite).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const generator = path.join(root, 'tools/scripts/new-scope.mjs');
const migrations = 'libs/platform/prisma/prisma/migrations';

const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
const json = <T = Record<string, unknown>>(dir: string, f: string) => JSON.parse(read(dir, f)) as T;

/** A scratch workspace: the root files the generator reads, and the existing migration folders. */
function scratch(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'new-scope-'));
  for (const f of ['package.json', 'tsconfig.base.json']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
  for (const m of fs.readdirSync(path.join(root, migrations)).filter((m) => /^\d{14}_/.test(m))) fs.mkdirSync(path.join(dir, migrations, m), { recursive: true });
  fs.mkdirSync(path.join(dir, 'libs/platform/prisma/prisma/schema'), { recursive: true });
  return dir;
}

const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [generator, ...args, '--no-prisma-generate'], { cwd, encoding: 'utf8' });

describe('npm run new-scope', () => {
  let dir: string;
  beforeAll(() => {
    dir = scratch();
    const r = run(dir, 'sample');
    if (r.status !== 0) throw new Error(`new-scope failed: ${r.stderr}`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const projects: Array<[string, string, string]> = [
    ['libs/sample/contracts', 'sample-contracts', 'type:contracts'],
    ['libs/sample/domain', 'sample-domain', 'type:domain'],
    ['libs/sample/data-access', 'sample-data-access', 'type:data-access'],
    ['libs/sample/nest', 'sample-nest', 'type:feature'],
    ['apps/sample-api', 'sample-api', 'type:app'],
    ['apps/sample-worker', 'sample-worker', 'type:app'],
  ];

  it.each(projects)('%s: project %s tagged scope:sample + %s, with configs and a spec', (projectDir, name, type) => {
    const project = json<{ name: string; tags: string[] }>(dir, `${projectDir}/project.json`);
    expect([project.name, project.tags]).toEqual([name, ['scope:sample', type]]);
    for (const f of ['tsconfig.json', 'tsconfig.spec.json', 'jest.config.cjs', 'eslint.config.mjs']) expect(fs.existsSync(path.join(dir, projectDir, f))).toBe(true);
    const specs = fs.readdirSync(path.join(dir, projectDir, 'src'), { recursive: true }).filter((f) => String(f).endsWith('.spec.ts'));
    expect(specs).toHaveLength(1);
  });

  it('libraries: path aliases, and package.json dependencies listing exactly what the sources import', () => {
    const paths = json<{ compilerOptions: { paths: Record<string, string[]> } }>(dir, 'tsconfig.base.json').compilerOptions.paths;
    for (const lib of ['contracts', 'domain', 'data-access', 'nest']) expect(paths[`@frontier/sample-${lib}`]).toEqual([`libs/sample/${lib}/src/index.ts`]);
    const versions = json<{ dependencies: Record<string, string> }>(root, 'package.json').dependencies;
    const deps = (lib: string) => json<{ dependencies: Record<string, string> }>(dir, `libs/sample/${lib}/package.json`).dependencies;
    expect(deps('contracts')).toEqual({ '@frontier/platform-jobs': '0.1.0' });
    expect(deps('domain')).toEqual({ '@frontier/platform-util': '0.1.0' });
    expect(deps('data-access')).toEqual({ '@frontier/platform-prisma': '0.1.0', tslib: versions['tslib'] });
    expect(Object.keys(deps('nest'))).toEqual([
      '@frontier/platform-prisma',
      '@frontier/platform-queue',
      '@frontier/platform-util',
      '@frontier/sample-contracts',
      '@frontier/sample-data-access',
      '@frontier/sample-domain',
      '@nestjs/common',
      'tslib',
    ]);
    // every import of a library's non-spec sources is declared (the lint rule checks the converse)
    for (const lib of ['contracts', 'domain', 'data-access', 'nest']) {
      const src = path.join(dir, `libs/sample/${lib}/src`);
      const imported = fs
        .readdirSync(src)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
        .flatMap((f) => [...read(src, f).matchAll(/from '([^.][^']*)'/g)].map((m) => m[1]));
      for (const pkg of imported) expect([lib, pkg, pkg in deps(lib)]).toEqual([lib, pkg, true]);
    }
  });

  it('contracts declare the queue and job with the platform job machinery', () => {
    const jobs = read(dir, 'libs/sample/contracts/src/jobs.ts');
    expect(jobs).toContain("import { defineJobCatalog, queueOf } from '@frontier/platform-jobs';");
    expect(jobs).toContain("export const SAMPLE_QUEUE = 'sample';");
    expect(jobs).toContain('export interface SampleProcessItemPayload');
    expect(jobs).toContain("processItem: q.job<SampleProcessItemPayload>('sample.process-item'");
    expect(jobs).toContain('export const SAMPLE_JOBS = defineJobCatalog(SAMPLE_QUEUE, SampleJobs);');
  });

  it('apps are thin: one service call per route and per job; worker consumes the catalog', () => {
    expect(read(dir, 'apps/sample-api/src/app.module.ts')).toMatch(/PlatformModule\.forHttp\(.*\), SampleModule\]/);
    expect(read(dir, 'apps/sample-api/src/main.ts')).toContain('bootstrapHttp(AppModule.register(env)');
    expect(read(dir, 'apps/sample-api/src/env.ts')).toContain('export class SampleApiEnv extends HttpEnv');
    const controller = read(dir, 'apps/sample-api/src/sample.controller.ts');
    expect(controller.match(/^ {4}return this\.service\.\w+\(.*\);$/gm)).toHaveLength(2);
    const worker = read(dir, 'apps/sample-worker/src/worker.module.ts');
    expect(worker).toContain('PlatformModule.forWorker(');
    expect(worker).toContain('QueueModule.forWorker({ catalogs: [SAMPLE_JOBS]');
    expect(read(dir, 'apps/sample-worker/src/sample.handlers.ts')).toMatch(/@OnJob\(SampleJobs\.processItem\)\n.*\n {4}return this\.service\.process\(/);
    expect(read(dir, 'apps/sample-worker/src/main.ts')).toContain('bootstrapWorker(WorkerModule.register(env)');
  });

  it('the scope has its own Prisma file and a migration after every existing one', () => {
    expect(read(dir, 'libs/platform/prisma/prisma/schema/sample.prisma')).toMatch(/model SampleItem \{[^}]*tenantId +String +@map\("tenant_id"\) @db\.Uuid[^}]*@@map\("sample_items"\)/);
    const names = fs.readdirSync(path.join(dir, migrations)).sort();
    expect(names.length).toBeGreaterThan(1);
    expect(names.at(-1)).toMatch(/^\d{14}_sample_init$/);
    const sql = read(dir, `${migrations}/${names.at(-1)}/migration.sql`);
    expect(sql).toContain('CREATE TABLE "sample_items"');
    expect(sql).toContain('FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE');
  });

  it('adds the start scripts and leaves the rest of package.json as it was', () => {
    const before = json<{ scripts: Record<string, string> }>(root, 'package.json');
    const after = json<{ scripts: Record<string, string> }>(dir, 'package.json');
    expect(after.scripts['start:sample-api']).toBe('node -r @swc-node/register apps/sample-api/src/main.ts');
    expect(after.scripts['start:sample-worker']).toBe('node -r @swc-node/register apps/sample-worker/src/main.ts');
    const { 'start:sample-api': _a, 'start:sample-worker': _w, ...rest } = after.scripts;
    expect({ ...after, scripts: rest }).toEqual(before);
  });

  it('the root eslint config gives the new scope its boundary (itself, ml, platform) unedited', () => {
    const script = `import('${path.join(root, 'eslint.config.mjs')}').then((m) => console.log(JSON.stringify(m.scopeConstraints(m.workspaceScopes(${JSON.stringify(dir)})))))`;
    const constraints = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })) as unknown[];
    expect(constraints).toContainEqual({ sourceTag: 'scope:sample', onlyDependOnLibsWithTags: ['scope:sample', 'scope:ml', 'scope:platform'] });
  });

  it('refuses an existing scope, a reserved or malformed name, and writes nothing', () => {
    const again = run(dir, 'sample');
    expect([again.status, again.stderr]).toEqual([2, expect.stringContaining('scope "sample" exists already')]);
    for (const bad of ['platform', 'Reviews', 'my-scope', 'x']) {
      const r = run(dir, bad);
      expect([bad, r.status]).toEqual([bad, 2]);
    }
    expect(fs.readdirSync(path.join(dir, 'libs'))).toEqual(['platform', 'sample']);
    expect(fs.readdirSync(path.join(dir, migrations)).filter((m) => m.endsWith('_sample_init'))).toHaveLength(1);
  });
});
