#!/usr/bin/env node
// Scaffolds a library or app in the house layout:
//   node tools/scripts/new-project.mjs lib  libs/platform/config  platform-config  scope:platform type:platform
//   node tools/scripts/new-project.mjs app  apps/platform-api     platform-api     scope:platform type:app
// Writes project.json (tags + build), tsconfigs, jest.config.cjs, eslint.config.mjs, src/index.ts
// and registers the @frontier/<name> path alias for libraries. Existing files are left alone.
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
w(tsconfigName, json({ extends: './tsconfig.json', compilerOptions: { outDir: `${up}/dist/out-tsc`, declaration: kind === 'lib', types: ['node'] }, include: ['src/**/*.ts'], exclude: ['src/**/*.spec.ts', 'src/**/*.test.ts'] }));
w('tsconfig.spec.json', json({ extends: './tsconfig.json', compilerOptions: { outDir: `${up}/dist/out-tsc`, types: ['jest', 'node'] }, include: ['src/**/*.spec.ts', 'src/**/*.test.ts', 'src/**/*.d.ts'] }));
w('jest.config.cjs', `module.exports = {\n  displayName: '${name}',\n  preset: '${up}/jest.preset.js',\n  rootDir: __dirname,\n  coverageDirectory: '${up}/coverage/${dir}',\n};\n`);
w('eslint.config.mjs', `import baseConfig from '${up}/eslint.config.mjs';\n\nexport default [...baseConfig];\n`);
if (kind === 'lib') {
  w('src/index.ts', 'export {};\n');
  w('package.json', json({ name: `@frontier/${name}`, version: '0.1.0', license: 'UNLICENSED', main: './src/index.js', types: './src/index.d.ts', dependencies: {} }));
  const f = path.join(root, 'tsconfig.base.json');
  const j = JSON.parse(fs.readFileSync(f, 'utf8'));
  j.compilerOptions.paths[`@frontier/${name}`] = [`${dir}/src/index.ts`];
  j.compilerOptions.paths = Object.fromEntries(Object.entries(j.compilerOptions.paths).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(f, json(j));
}
console.log(`created ${kind} ${name} in ${dir}`);
