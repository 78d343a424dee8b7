// `nx mutate <project>` entry point, run in the library's folder: `stryker run stryker.config.mjs`
// with the arguments given after `--`. A `--mutate` from the command line replaces the config's
// list, so the exclusions (specs, spec helpers, fixtures) are appended to it here.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NOT_MUTATED } from './stryker.base.mjs';

const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--mutate' || args[i] === '-m') args[i + 1] = [args[i + 1], ...NOT_MUTATED].join(',');
  else if (args[i].startsWith('--mutate=')) args[i] = `--mutate=${[args[i].slice('--mutate='.length), ...NOT_MUTATED].join(',')}`;
}
const stryker = join(dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')), 'bin/stryker.js');
const { status, signal } = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...args], { stdio: 'inherit' });
process.exit(status ?? (signal ? 1 : 0));
