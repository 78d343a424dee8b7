module.exports = {
  displayName: 'recsys-ann',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/recsys/ann',
};
