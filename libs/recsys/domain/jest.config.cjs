module.exports = {
  displayName: 'recsys-domain',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/recsys/domain',
  // Tests run inside a vm context where every global lookup goes through an interceptor: each
  // `Math.*` call cost ~130 ns (40x slower numeric code). Injecting Math makes it a local binding.
  sandboxInjectedGlobals: ['Math', 'Float64Array', 'Float32Array', 'Int32Array', 'Uint32Array', 'Uint8Array'],
};
