// Jest's node environment runs tests in a vm context with its own typed-array constructors, but
// native addons (onnxruntime-node) return arrays of the main realm, so onnxruntime's own
// `instanceof Float32Array` checks fail inside Jest. Jest already shares ArrayBuffer and Uint8Array
// with the main realm; this environment shares the other typed arrays too.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = ['Int8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'DataView'];

class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = SharedTypedArraysEnvironment;
