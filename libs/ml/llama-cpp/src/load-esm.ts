import { pathToFileURL } from 'node:url';
import { constants, Script } from 'node:vm';

type NodeLlamaCpp = typeof import('node-llama-cpp');

/**
 * node-llama-cpp is ESM-only and this workspace compiles to CommonJS, where TypeScript would turn
 * `import()` into `require()`. The real dynamic import is compiled by `vm` in the main context
 * with Node's default ESM loader (so it also works inside Jest's sandbox, which refuses
 * `import()` without --experimental-vm-modules); the package is resolved from here (this
 * workspace's copy) and imported by file URL.
 */
const importEsm = new Script('(specifier) => import(specifier)', { importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).runInThisContext() as (specifier: string) => Promise<unknown>;

let loaded: Promise<NodeLlamaCpp> | undefined;

export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  loaded ??= importEsm(pathToFileURL(require.resolve('node-llama-cpp')).href).then((m) => m as NodeLlamaCpp);
  return loaded;
}
