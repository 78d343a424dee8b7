module.exports = {
  displayName: 'recsys-ope-cli',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/recsys/ope-cli',
};
