module.exports = {
  displayName: 'recsys-api',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/recsys-api',
};
