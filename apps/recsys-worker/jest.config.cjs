module.exports = {
  displayName: 'recsys-worker',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/recsys-worker',
};
