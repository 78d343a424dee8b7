module.exports = {
  displayName: 'recsys-domain',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/recsys/domain',
};
