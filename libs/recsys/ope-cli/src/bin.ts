#!/usr/bin/env node
/** `frontier-ope`: the installed command (package.json "bin"), also `npm run ope --` in the workspace. */
import { runCli } from './cli';
import { terminalProgress } from './progress';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, progress: terminalProgress(process.stderr) }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`frontier-ope: error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
