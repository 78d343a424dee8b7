// Native addons (onnxruntime-node) return typed arrays of the main realm, but Jest's node
// environment gives each test file its own typed-array constructors, so onnxruntime's
// `instanceof Float32Array` checks fail inside Jest. This environment shares them with the main
// realm. (Same file as libs/ml/embeddings/jest.environment.cjs: a candidate for tools/jest.)
const { TestEnvironment } = require('jest-environment-node');

const SHARED = ['Int8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'DataView'];

module.exports = class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
};
