// Jest's node environment gives each test file its own typed-array constructors, but native
// addons (onnxruntime-node) and worker threads hand back typed arrays of the main realm, so
// `instanceof Float32Array` checks fail inside Jest. This environment shares the typed-array
// constructors with the main realm, as a plain `node` process has them.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = ['Int8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'DataView'];

module.exports = class SharedRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
};
