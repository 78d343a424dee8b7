module.exports = {
  displayName: 'recsys-nest',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/recsys/nest',
};
