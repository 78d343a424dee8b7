#!/usr/bin/env node
// A new product scope in one command, touching no platform file:
//   npm run new-scope -- reviews
// writes, each with its tags, configs and one passing test:
//   libs/<scope>/contracts    scope:<scope> type:contracts  the scope's queue, one job, its payload
//   libs/<scope>/domain       scope:<scope> type:domain     one pure function (no framework imports)
//   libs/<scope>/data-access  scope:<scope> type:data-access one repository (Prisma in, records out)
//   libs/<scope>/nest         scope:<scope> type:feature    <Scope>Module + <Scope>Service (use cases)
//   apps/<scope>-api          scope:<scope> type:app        one controller, one line per route
//   apps/<scope>-worker       scope:<scope> type:app        one handler, one line per job
// plus the scope's Prisma file (libs/platform/prisma/prisma/schema/<scope>.prisma, one model), its
// migration (<stamp>_<scope>_init) and the start:<scope>-api / start:<scope>-worker scripts, then
// regenerates the Prisma client. Projects are scaffolded by new-project.mjs (tsconfigs, jest, eslint,
// package.json, path alias); the root eslint.config.mjs derives the scope's boundary from its tags.
//
// Options: --no-prisma-generate (skip `npm run prisma:generate`; the unit test uses it).
// Runs in the current directory (the workspace root).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [scope] = args.filter((a) => !a.startsWith('--'));
const unknownFlags = [...flags].filter((f) => f !== '--no-prisma-generate');
if (!scope || unknownFlags.length) fail('usage: npm run new-scope -- <scope> [--no-prisma-generate]   (e.g. reviews)');
// letters only: the name is also an API-key scope prefix (`reviews:read`), a queue, a table prefix
if (!/^[a-z]{2,30}$/.test(scope)) fail(`scope "${scope}" must be 2-30 lowercase letters (it names tags, queues, tables and API-key scopes)`);
// platform and ml are the shared scopes; the others would clash with generated or imported names
const RESERVED = ['platform', 'ml', 'shared', 'workspace', 'app', 'worker', 'prisma', 'queue', 'tenancy', 'config', 'nest', 'testing', 'util', 'jobs', 'contracts'];
if (RESERVED.includes(scope)) fail(`"${scope}" is reserved (${RESERVED.join(', ')})`);

const root = process.cwd();
const here = import.meta.dirname;
const S = scope;
const P = scope[0].toUpperCase() + scope.slice(1);
const U = scope.toUpperCase();
const model = `${P}Item`;
const accessor = `${S}Item`;
const table = `${S}_items`;

const projects = [
  { kind: 'lib', dir: `libs/${S}/contracts`, name: `${S}-contracts`, type: 'type:contracts' },
  { kind: 'lib', dir: `libs/${S}/domain`, name: `${S}-domain`, type: 'type:domain' },
  { kind: 'lib', dir: `libs/${S}/data-access`, name: `${S}-data-access`, type: 'type:data-access' },
  { kind: 'lib', dir: `libs/${S}/nest`, name: `${S}-nest`, type: 'type:feature' },
  { kind: 'app', dir: `apps/${S}-api`, name: `${S}-api`, type: 'type:app' },
  { kind: 'app', dir: `apps/${S}-worker`, name: `${S}-worker`, type: 'type:app' },
];
const prismaDir = 'libs/platform/prisma/prisma';
const schemaFile = `${prismaDir}/schema/${S}.prisma`;
const migrationsDir = `${prismaDir}/migrations`;

// refuse before writing anything
const taken = [...projects.map((p) => p.dir), `libs/${S}`, schemaFile].filter((p) => fs.existsSync(path.join(root, p)));
if (taken.length) fail(`scope "${S}" exists already: ${taken.join(', ')}`);
for (const f of ['tsconfig.base.json', 'package.json', migrationsDir]) if (!fs.existsSync(path.join(root, f))) fail(`run from the workspace root (${f} not found)`);
const existingMigrations = fs.readdirSync(path.join(root, migrationsDir)).filter((d) => /^\d{14}_/.test(d));
if (existingMigrations.some((d) => d.endsWith(`_${S}_init`))) fail(`a migration *_${S}_init exists already`);

// 1. scaffold the six projects (configs, tags, package.json, path aliases)
for (const p of projects) {
  execFileSync(process.execPath, [path.join(here, 'new-project.mjs'), p.kind, p.dir, p.name, `scope:${S}`, p.type], { cwd: root, stdio: 'inherit' });
}

// 2. sources and specs
const WS = '0.1.0'; // version of every workspace library's package.json
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const npmVersion = (name) => rootPkg.dependencies?.[name] ?? rootPkg.devDependencies?.[name] ?? fail(`${name} is not in the root package.json`);
const write = (file, text) => {
  const p = path.join(root, file);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
};
/** What the library's built sources import, as @nx/dependency-checks wants it in package.json. */
const dependencies = (dir, workspaceLibs, npmPackages = []) => {
  const f = path.join(root, dir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(f, 'utf8'));
  const deps = Object.fromEntries([...workspaceLibs.map((l) => [`@frontier/${l}`, WS]), ...npmPackages.map((n) => [n, npmVersion(n)])]);
  pkg.dependencies = Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(f, JSON.stringify(pkg, null, 2) + '\n');
};

// -- contracts
write(
  `libs/${S}/contracts/src/jobs.ts`,
  `import { defineJobCatalog, queueOf } from '@frontier/platform-jobs';

/** ${P}'s queue, consumed by ${S}-worker. */
export const ${U}_QUEUE = '${S}';

export interface ${P}ProcessItemPayload {
  tenantId: string;
  /** Row id of the stored item (${table}.id). */
  itemId: string;
}

const q = queueOf(${U}_QUEUE);

export const ${P}Jobs = {
  /** An item was stored: process it (once per item, however often it is queued). */
  processItem: q.job<${P}ProcessItemPayload>('${S}.process-item', {
    jobId: (d) => \`${S}-item.\${d.itemId}\`,
  }),
};

export const ${U}_JOBS = defineJobCatalog(${U}_QUEUE, ${P}Jobs);
`,
);
write(
  `libs/${S}/contracts/src/jobs.spec.ts`,
  `import { jobNames, jobOptionsFor } from '@frontier/platform-jobs';
import { ${U}_JOBS, ${P}Jobs } from './jobs';

describe('${S} job contracts', () => {
  it('the ${S} queue carries item processing', () => {
    expect(${U}_JOBS.queue).toBe('${S}');
    expect(jobNames(${U}_JOBS)).toEqual(['${S}.process-item']);
    expect(${U}_JOBS.schedules).toEqual([]);
  });

  it('one processing per item, with the default retries', () => {
    const options = jobOptionsFor(${P}Jobs.processItem, { tenantId: 't', itemId: 'i-1' });
    expect(options.jobId).toBe('${S}-item.i-1');
    expect(options).toMatchObject({ attempts: 5, backoff: { type: 'exponential' } });
  });
});
`,
);
write(`libs/${S}/contracts/src/index.ts`, `export * from './jobs';\n`);
dependencies(`libs/${S}/contracts`, ['platform-jobs']);

// -- domain
write(
  `libs/${S}/domain/src/title.ts`,
  `import { InvalidInputError } from '@frontier/platform-util';

export const TITLE_MAX_LENGTH = 200;

/**
 * A title as ${S} stores it: trimmed, inner whitespace collapsed. Empty or longer than
 * {@link TITLE_MAX_LENGTH} is refused, naming the field. Pure: no framework, no I/O.
 */
export function normalizeTitle(raw: string): string {
  const title = raw.trim().replace(/\\s+/g, ' ');
  if (!title) throw new InvalidInputError('title', 'title must not be empty');
  if (title.length > TITLE_MAX_LENGTH) throw new InvalidInputError('title', \`title must be at most \${TITLE_MAX_LENGTH} characters\`);
  return title;
}
`,
);
write(
  `libs/${S}/domain/src/title.spec.ts`,
  `import { InvalidInputError } from '@frontier/platform-util';
import { normalizeTitle, TITLE_MAX_LENGTH } from './title';

describe('normalizeTitle', () => {
  it('trims and collapses whitespace', () => {
    expect(normalizeTitle('  Hello \\n\\t  world ')).toBe('Hello world');
  });

  it('refuses an empty or too long title, naming the field', () => {
    const thrown = (raw: string) => {
      try {
        normalizeTitle(raw);
      } catch (e) {
        return e;
      }
      throw new Error(\`accepted "\${raw}"\`);
    };
    expect(thrown(' \\n ')).toBeInstanceOf(InvalidInputError);
    expect(thrown('x'.repeat(TITLE_MAX_LENGTH + 1))).toMatchObject({ field: 'title', category: 'invalid', message: \`title must be at most \${TITLE_MAX_LENGTH} characters\` });
    expect(normalizeTitle('x'.repeat(TITLE_MAX_LENGTH))).toHaveLength(TITLE_MAX_LENGTH);
  });
});
`,
);
write(`libs/${S}/domain/src/index.ts`, `export { normalizeTitle, TITLE_MAX_LENGTH } from './title';\n`);
dependencies(`libs/${S}/domain`, ['platform-util']);

// -- data-access
write(
  `libs/${S}/data-access/src/item.repository.ts`,
  `import type { PrismaClient, ${model} } from '@frontier/platform-prisma';

/** An item as ${S}'s services see it. */
export interface ${P}ItemRecord {
  id: string;
  tenantId: string;
  title: string;
  createdAt: Date;
  processedAt: Date | null;
}

const toRecord = (row: ${model}): ${P}ItemRecord => ({ id: row.id, tenantId: row.tenantId, title: row.title, createdAt: row.createdAt, processedAt: row.processedAt });

/** The \`${table}\` table; every read and write is scoped to one tenant. */
export class ${P}ItemRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(tenantId: string, title: string): Promise<${P}ItemRecord> {
    return toRecord(await this.prisma.${accessor}.create({ data: { tenantId, title } }));
  }

  async get(tenantId: string, id: string): Promise<${P}ItemRecord | null> {
    const row = await this.prisma.${accessor}.findFirst({ where: { id, tenantId } });
    return row ? toRecord(row) : null;
  }

  /** Marks the item processed at \`at\` (a repeat keeps the first time); null when it is gone. */
  async markProcessed(tenantId: string, id: string, at: Date = new Date()): Promise<${P}ItemRecord | null> {
    await this.prisma.${accessor}.updateMany({ where: { id, tenantId, processedAt: null }, data: { processedAt: at } });
    return this.get(tenantId, id);
  }
}
`,
);
write(
  `libs/${S}/data-access/src/item.repository.spec.ts`,
  `import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { ${P}ItemRepository } from './item.repository';

describe('${P}ItemRepository on a real Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let items: ${P}ItemRepository;

  beforeAll(async () => {
    db = await createTestDatabase('${S}_items');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    items = new ${P}ItemRepository(prisma);
  }, 30_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('stores, reads per tenant, marks processed once, and goes with its tenant', async () => {
    const acme = await prisma.tenant.create({ data: { name: 'acme' } });
    const globex = await prisma.tenant.create({ data: { name: 'globex' } });
    const item = await items.create(acme.id, 'First');
    expect(item).toEqual({ id: expect.any(String), tenantId: acme.id, title: 'First', createdAt: expect.any(Date), processedAt: null });
    expect(await items.get(acme.id, item.id)).toEqual(item);
    expect(await items.get(globex.id, item.id)).toBeNull();

    const at = new Date('2026-01-02T03:04:05.678Z');
    expect((await items.markProcessed(acme.id, item.id, at))?.processedAt).toEqual(at);
    expect((await items.markProcessed(acme.id, item.id, new Date()))?.processedAt).toEqual(at);
    expect(await items.markProcessed(globex.id, item.id)).toBeNull();

    await prisma.tenant.delete({ where: { id: acme.id } });
    expect(await prisma.${accessor}.count()).toBe(0);
  }, 30_000);
});
`,
);
write(`libs/${S}/data-access/src/index.ts`, `export { ${P}ItemRepository, type ${P}ItemRecord } from './item.repository';\n`);
dependencies(`libs/${S}/data-access`, ['platform-prisma'], ['tslib']);

// -- nest (type:feature)
write(
  `libs/${S}/nest/src/${S}.service.ts`,
  `import { Injectable } from '@nestjs/common';
import { ${P}Jobs } from '@frontier/${S}-contracts';
import { ${P}ItemRepository, type ${P}ItemRecord } from '@frontier/${S}-data-access';
import { normalizeTitle } from '@frontier/${S}-domain';
import { JobQueue } from '@frontier/platform-queue';
import { NotFoundError } from '@frontier/platform-util';

/** ${P}'s use cases: routes and job handlers each call one method. */
@Injectable()
export class ${P}Service {
  constructor(
    private readonly items: ${P}ItemRepository,
    private readonly jobs: JobQueue,
  ) {}

  /** Stores an item and queues its processing. */
  async create(tenantId: string, title: string): Promise<${P}ItemRecord> {
    const item = await this.items.create(tenantId, normalizeTitle(title));
    await this.jobs.enqueue(${P}Jobs.processItem, { tenantId, itemId: item.id });
    return item;
  }

  async get(tenantId: string, id: string): Promise<${P}ItemRecord> {
    const item = await this.items.get(tenantId, id);
    if (!item) throw new NotFoundError('id', \`item \${id} not found\`, '${S}.item_not_found');
    return item;
  }

  /** The \`${S}.process-item\` job: marks the item processed (a deleted item is skipped). */
  async process(tenantId: string, itemId: string): Promise<${P}ItemRecord | null> {
    return this.items.markProcessed(tenantId, itemId);
  }
}
`,
);
write(
  `libs/${S}/nest/src/${S}.module.ts`,
  `import { Module } from '@nestjs/common';
import { ${P}ItemRepository } from '@frontier/${S}-data-access';
import { PrismaService } from '@frontier/platform-prisma';
import { ${P}Service } from './${S}.service';

/**
 * ${P} wired for ${S}-api and ${S}-worker: the repository on the platform's Prisma client and
 * the services. Needs \`PlatformModule\` (Prisma, JobQueue) in the app.
 */
@Module({
  providers: [{ provide: ${P}ItemRepository, inject: [PrismaService], useFactory: (prisma: PrismaService) => new ${P}ItemRepository(prisma) }, ${P}Service],
  exports: [${P}Service],
})
export class ${P}Module {}
`,
);
write(
  `libs/${S}/nest/src/${S}.service.spec.ts`,
  `import { ${P}Jobs } from '@frontier/${S}-contracts';
import { ${P}ItemRepository } from '@frontier/${S}-data-access';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import type { JobQueue } from '@frontier/platform-queue';
import { InvalidInputError, NotFoundError } from '@frontier/platform-util';
import { ${P}Service } from './${S}.service';

describe('${P}Service (real Postgres, recorded queue)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let service: ${P}Service;
  let tenantId: string;
  const queued: Array<{ name: string; data: unknown }> = [];

  beforeAll(async () => {
    db = await createTestDatabase('${S}_service');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    const jobs = { enqueue: async (job: { name: string }, data: unknown) => void queued.push({ name: job.name, data }) } as unknown as JobQueue;
    service = new ${P}Service(new ${P}ItemRepository(prisma), jobs);
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
  }, 30_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('creates an item with a normalized title and queues its processing', async () => {
    const item = await service.create(tenantId, '  First   item ');
    expect(item.title).toBe('First item');
    expect(queued).toEqual([{ name: ${P}Jobs.processItem.name, data: { tenantId, itemId: item.id } }]);
    expect((await service.process(tenantId, item.id))?.processedAt).toBeInstanceOf(Date);
    expect((await service.get(tenantId, item.id)).processedAt).toBeInstanceOf(Date);
  }, 30_000);

  it('refuses a blank title (nothing stored or queued) and answers not found for an unknown id', async () => {
    queued.length = 0;
    await expect(service.create(tenantId, '   ')).rejects.toBeInstanceOf(InvalidInputError);
    expect(queued).toEqual([]);
    await expect(service.get(tenantId, '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  }, 30_000);
});
`,
);
write(`libs/${S}/nest/src/index.ts`, `export { ${P}Module } from './${S}.module';\nexport { ${P}Service } from './${S}.service';\n`);
dependencies(
  `libs/${S}/nest`,
  [`${S}-contracts`, `${S}-data-access`, `${S}-domain`, 'platform-prisma', 'platform-queue', 'platform-util'],
  ['@nestjs/common', 'tslib'],
);

// -- api
write(
  `apps/${S}-api/src/env.ts`,
  `import { HttpEnv } from '@frontier/platform-config';

/** ${S}-api's environment: the platform's HTTP variables; ${S}'s own go here. */
export class ${P}ApiEnv extends HttpEnv {}
`,
);
write(
  `apps/${S}-api/src/main.ts`,
  `import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { bootstrapHttp } from '@frontier/platform-nest';
import { AppModule } from './app.module';
import { ${P}ApiEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv(${P}ApiEnv, process.env, '${S}-api');
  await bootstrapHttp(AppModule.register(env), { service: '${S}-api', title: 'Frontier ${S} API', port: env.PORT, host: env.HOST });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
`,
);
write(
  `apps/${S}-api/src/app.module.ts`,
  `import { Module, type DynamicModule } from '@nestjs/common';
import { ${P}Module } from '@frontier/${S}-nest';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import type { ${P}ApiEnv } from './env';
import { ${P}Controller } from './${S}.controller';

@Module({})
export class AppModule {
  static register(env: ${P}ApiEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forHttp(platformSettings('${S}-api', env)), ${P}Module],
      controllers: [${P}Controller],
    };
  }
}
`,
);
write(
  `apps/${S}-api/src/dto/create-item.dto.ts`,
  `import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class CreateItemDto {
  @ApiProperty({ example: 'My first item', description: 'Trimmed; 1-200 characters' })
  @IsString()
  title!: string;
}
`,
);
write(
  `apps/${S}-api/src/${S}.controller.ts`,
  `import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ${P}Service } from '@frontier/${S}-nest';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { CreateItemDto } from './dto/create-item.dto';

/** ${P}'s routes: each calls one service method. */
@ApiTags('${S}')
@ApiBearerAuth()
@Controller('v1/${S}')
export class ${P}Controller {
  constructor(private readonly service: ${P}Service) {}

  @RequireScopes('${S}:write')
  @Post('items')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateItemDto) {
    return this.service.create(p.tenantId, dto.title);
  }

  @RequireScopes('${S}:read')
  @Get('items/:id')
  get(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.service.get(p.tenantId, id);
  }
}
`,
);
write(
  `apps/${S}-api/src/app.e2e.spec.ts`,
  `import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ${U}_QUEUE } from '@frontier/${S}-contracts';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from './app.module';
import { ${P}ApiEnv } from './env';

describe('${S}-api over HTTP (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let key: string;
  let readOnlyKey: string;

  beforeAll(async () => {
    db = await createTestDatabase('${S}_api');
    redis = await createTestRedis('${S}api');
    const env = loadEnv(${P}ApiEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix });
    app = await createHttpApp(AppModule.register(env), { service: '${S}-api', logger: false });
    await app.init();
    http = request(app.getHttpServer());
    const tenancy = app.get(TenancyService);
    const tenant = await tenancy.createTenant('acme');
    key = (await tenancy.issueKey(tenant.id, 'rw', ['${S}:*'])).key;
    readOnlyKey = (await tenancy.issueKey(tenant.id, 'ro', ['${S}:read'])).key;
  }, 30_000);

  afterAll(async () => {
    await app.close();
    await redis.cleanup();
    await db.drop();
  });

  it('creates an item, queues its processing and reads it back', async () => {
    const auth = { authorization: \`Bearer \${key}\` };
    const created = (await http.post('/v1/${S}/items').set(auth).send({ title: '  First   item ' }).expect(201)).body;
    expect(created).toMatchObject({ title: 'First item', processedAt: null });
    expect((await app.get(JobQueue).counts(${U}_QUEUE))['waiting']).toBe(1);
    const read = (await http.get(\`/v1/${S}/items/\${created.id}\`).set(auth).expect(200)).body;
    expect(read).toEqual(created);
    const docs = (await http.get('/docs-json').expect(200)).body;
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/v1/${S}/items', '/v1/${S}/items/{id}']));
  }, 30_000);

  it('answers 401 without a key, 403 without the scope, 400 naming the field, 404 for an unknown item', async () => {
    await http.post('/v1/${S}/items').send({ title: 'x' }).expect(401);
    await http.post('/v1/${S}/items').set('x-api-key', readOnlyKey).send({ title: 'x' }).expect(403);
    const auth = { authorization: \`Bearer \${key}\` };
    expect((await http.post('/v1/${S}/items').set(auth).send({}).expect(400)).body.fields).toEqual({ title: ['title must be a string'] });
    expect((await http.post('/v1/${S}/items').set(auth).send({ title: '   ' }).expect(400)).body.fields).toEqual({ title: ['title must not be empty'] });
    await http.get('/v1/${S}/items/not-a-uuid').set(auth).expect(400);
    expect((await http.get('/v1/${S}/items/00000000-0000-4000-8000-000000000000').set(auth).expect(404)).body.code).toBe('${S}.item_not_found');
  }, 30_000);
});
`,
);

// -- worker
write(
  `apps/${S}-worker/src/env.ts`,
  `import { IsInt, Max, Min } from 'class-validator';
import { PlatformEnv } from '@frontier/platform-config';

export class ${P}WorkerEnv extends PlatformEnv {
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY: number = 2;
}
`,
);
write(
  `apps/${S}-worker/src/main.ts`,
  `import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { bootstrapWorker } from '@frontier/platform-nest';
import { ${P}WorkerEnv } from './env';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const env = loadEnv(${P}WorkerEnv, process.env, '${S}-worker');
  await bootstrapWorker(WorkerModule.register(env), { service: '${S}-worker' });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
`,
);
write(
  `apps/${S}-worker/src/worker.module.ts`,
  `import { Module, type DynamicModule } from '@nestjs/common';
import { ${U}_JOBS } from '@frontier/${S}-contracts';
import { ${P}Module } from '@frontier/${S}-nest';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import type { ${P}WorkerEnv } from './env';
import { ${P}Handlers } from './${S}.handlers';

@Module({})
export class WorkerModule {
  static register(env: ${P}WorkerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forWorker(platformSettings('${S}-worker', env)),
        ${P}Module,
        QueueModule.forWorker({ catalogs: [${U}_JOBS], concurrency: env.WORKER_CONCURRENCY }),
      ],
      providers: [${P}Handlers],
    };
  }
}
`,
);
write(
  `apps/${S}-worker/src/${S}.handlers.ts`,
  `import { Injectable } from '@nestjs/common';
import { ${P}Jobs } from '@frontier/${S}-contracts';
import { ${P}Service } from '@frontier/${S}-nest';
import type { JobOf } from '@frontier/platform-jobs';
import { OnJob } from '@frontier/platform-queue';

/** Handlers of the \`${S}\` queue: each calls one ${S} service method. */
@Injectable()
export class ${P}Handlers {
  constructor(private readonly service: ${P}Service) {}

  @OnJob(${P}Jobs.processItem)
  async processItem(data: JobOf<typeof ${P}Jobs.processItem>) {
    return this.service.process(data.tenantId, data.itemId);
  }
}
`,
);
write(
  `apps/${S}-worker/src/worker.spec.ts`,
  `import { NestFactory } from '@nestjs/core';
import { QueueEvents } from 'bullmq';
import { ${U}_JOBS, ${P}Jobs } from '@frontier/${S}-contracts';
import { ${P}Service } from '@frontier/${S}-nest';
import { loadEnv } from '@frontier/platform-config';
import { TenancyService } from '@frontier/platform-nest';
import { bullConnection, JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { ${P}WorkerEnv } from './env';
import { WorkerModule } from './worker.module';

describe('${S}-worker (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  beforeAll(async () => {
    db = await createTestDatabase('${S}_worker');
    redis = await createTestRedis('${S}worker');
  }, 30_000);
  afterAll(async () => {
    await redis.cleanup();
    await db.drop();
  });

  it('boots with a handler per job and processes a queued item', async () => {
    const env = loadEnv(${P}WorkerEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix });
    const app = await NestFactory.createApplicationContext(WorkerModule.register(env), { logger: false });
    const events = new QueueEvents(${U}_JOBS.queue, { connection: bullConnection(redis.url), prefix: redis.prefix });
    await events.waitUntilReady();

    const tenant = await app.get(TenancyService).createTenant('worker-test');
    const service = app.get(${P}Service);
    const item = await service.create(tenant.id, 'First');
    // the job create() queued (its id is the item's): wait for the worker to finish it
    const job = await app.get(JobQueue).enqueue(${P}Jobs.processItem, { tenantId: tenant.id, itemId: item.id });
    await job.waitUntilFinished(events, 20_000);
    expect((await service.get(tenant.id, item.id)).processedAt).toBeInstanceOf(Date);

    await events.close();
    await app.close();
  }, 30_000);

  it('refuses to boot on a bad environment, naming the variable', () => {
    expect(() => loadEnv(${P}WorkerEnv, { WORKER_CONCURRENCY: '0' }, '${S}-worker')).toThrow(/${S}-worker: invalid environment\\n {2}- WORKER_CONCURRENCY="0"/);
  });
});
`,
);

// 3. the scope's Prisma model and migration
write(
  schemaFile,
  `// ${P}'s models. \`tenant_id\` references tenants(id) ON DELETE CASCADE in the migration SQL; no
// Prisma relation to Tenant on purpose (see platform.prisma).

/// An item stored by ${S}-api and processed by ${S}-worker.
model ${model} {
  id          String    @id @default(uuid()) @db.Uuid
  tenantId    String    @map("tenant_id") @db.Uuid
  title       String
  createdAt   DateTime  @default(now()) @map("created_at") @db.Timestamptz(3)
  processedAt DateTime? @map("processed_at") @db.Timestamptz(3)

  @@index([tenantId, createdAt])
  @@map("${table}")
}
`,
);
write(
  `${migrationsDir}/${migrationStamp(existingMigrations)}_${S}_init/migration.sql`,
  `-- CreateTable
CREATE TABLE "${table}" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "${table}_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "${table}_tenant_id_created_at_idx" ON "${table}"("tenant_id", "created_at");

-- AddForeignKey
ALTER TABLE "${table}" ADD CONSTRAINT "${table}_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
`,
);

// 4. start scripts
const pkgFile = path.join(root, 'package.json');
const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
pkg.scripts[`start:${S}-api`] = `node -r @swc-node/register apps/${S}-api/src/main.ts`;
pkg.scripts[`start:${S}-worker`] = `node -r @swc-node/register apps/${S}-worker/src/main.ts`;
fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');

// 5. the Prisma client now carries the scope's model
if (!flags.has('--no-prisma-generate')) execFileSync('npm', ['run', '--silent', 'prisma:generate'], { cwd: root, stdio: 'inherit' });

console.log(`
scope ${S} created: ${projects.map((p) => p.name).join(', ')}
  migrate:  npm run migrate
  check:    npx nx run-many -t lint test build -p ${projects.map((p) => p.name).join(',')}
  run:      npm run start:${S}-api  /  npm run start:${S}-worker`);

/** A migration stamp (UTC yyyymmddhhmmss) now, and always after every existing migration. */
function migrationStamp(existing) {
  const fmt = (d) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const last = existing.map((d) => d.slice(0, 14)).sort().at(-1);
  const now = new Date();
  if (!last || fmt(now) > last) return fmt(now);
  const t = last.replace(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/, '$1-$2-$3T$4:$5:$6Z');
  return fmt(new Date(Date.parse(t) + 60_000));
}

function fail(message) {
  console.error(message);
  process.exit(2);
}
