#!/usr/bin/env node
// Scaffolds a library or app in the house layout:
//   node tools/scripts/new-project.mjs lib  libs/platform/config  platform-config  scope:platform type:platform
//   node tools/scripts/new-project.mjs app  apps/platform-api     platform-api     scope:platform type:app
// Writes project.json (tags + build), tsconfigs, jest.config.cjs, eslint.config.mjs, src/index.ts
// and registers the @frontier/<name> path alias for libraries. Existing files are left alone.
//
// Every library builds with @nx/js:tsc to dist/<dir> (CommonJS + .d.ts) and its package.json
// describes that built folder (main/types/exports under ./src, `files`); its eslint.config.mjs runs
// @nx/dependency-checks on package.json, so `nx lint` fails until `dependencies` lists exactly what
// the sources import (`npx nx lint <name> --fix` writes them). type:domain, type:contracts and
// type:util libraries are the publishable ones: they also compile without importHelpers (no tslib
// at run time) and without source maps (they would point at sources the tarball does not ship).
import fs from 'node:fs';
import path from 'node:path';

const [kind, dir, name, ...tags] = process.argv.slice(2);
if (!['lib', 'app'].includes(kind) || !dir || !name || tags.length !== 2) {
  console.error('usage: new-project.mjs lib|app <dir> <name> scope:<s> type:<t>');
  process.exit(2);
}
const root = process.cwd();
const up = path.relative(path.join(root, dir), root);
const json = (o) => JSON.stringify(o, null, 2) + '\n';
const w = (f, s) => {
  const p = path.join(root, dir, f);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  if (!fs.existsSync(p)) fs.writeFileSync(p, s);
};
const tsconfigName = kind === 'lib' ? 'tsconfig.lib.json' : 'tsconfig.app.json';
const publishable = kind === 'lib' && ['type:domain', 'type:contracts', 'type:util'].some((t) => tags.includes(t));
const build =
  kind === 'lib'
    ? {
        executor: '@nx/js:tsc',
        outputs: ['{options.outputPath}'],
        options: { outputPath: `dist/${dir}`, main: `${dir}/src/index.ts`, tsConfig: `${dir}/${tsconfigName}`, assets: [`${dir}/*.md`] },
      }
    : { executor: 'nx:run-commands', options: { command: `tsc -p ${dir}/${tsconfigName} --noEmit` } };
w('project.json', json({ name, $schema: `${up}/node_modules/nx/schemas/project-schema.json`, sourceRoot: `${dir}/src`, projectType: kind === 'lib' ? 'library' : 'application', tags, targets: { build } }));
w('tsconfig.json', json({ extends: `${up}/tsconfig.base.json`, files: [], include: [], references: [{ path: `./${tsconfigName}` }, { path: './tsconfig.spec.json' }] }));
const compilerOptions = { outDir: `${up}/dist/out-tsc`, declaration: kind === 'lib', types: ['node'], ...(publishable ? { importHelpers: false, sourceMap: false } : {}) };
w(tsconfigName, json({ extends: './tsconfig.json', compilerOptions, include: ['src/**/*.ts'], exclude: ['src/**/*.spec.ts', 'src/**/*.test.ts', 'src/**/*.spec-helper.ts'] }));
w('tsconfig.spec.json', json({ extends: './tsconfig.json', compilerOptions: { outDir: `${up}/dist/out-tsc`, types: ['jest', 'node'] }, include: ['src/**/*.spec.ts', 'src/**/*.test.ts', 'src/**/*.d.ts'] }));
w('jest.config.cjs', `module.exports = {\n  displayName: '${name}',\n  preset: '${up}/jest.preset.js',\n  rootDir: __dirname,\n  coverageDirectory: '${up}/coverage/${dir}',\n};\n`);
w(
  'eslint.config.mjs',
  kind === 'lib'
    ? `import baseConfig, { dependencyChecks } from '${up}/eslint.config.mjs';\n\nexport default [...baseConfig, ...dependencyChecks()];\n`
    : `import baseConfig from '${up}/eslint.config.mjs';\n\nexport default [...baseConfig];\n`,
);
if (kind === 'lib') {
  w('src/index.ts', 'export {};\n');
  w('package.json', json(libraryPackageJson(name)));
  const f = path.join(root, 'tsconfig.base.json');
  const j = JSON.parse(fs.readFileSync(f, 'utf8'));
  j.compilerOptions.paths[`@frontier/${name}`] = [`${dir}/src/index.ts`];
  j.compilerOptions.paths = Object.fromEntries(Object.entries(j.compilerOptions.paths).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(f, json(j));
}
console.log(`created ${kind} ${name} in ${dir}`);

/** package.json of a library as it is published: paths are relative to dist/<dir>, the build output. */
function libraryPackageJson(name) {
  return {
    name: `@frontier/${name}`,
    version: '0.1.0',
    license: 'UNLICENSED',
    type: 'commonjs',
    main: './src/index.js',
    types: './src/index.d.ts',
    exports: { '.': { types: './src/index.d.ts', default: './src/index.js' }, './package.json': './package.json' },
    files: ['src/**/*.js', 'src/**/*.d.ts'],
    dependencies: {},
  };
}
