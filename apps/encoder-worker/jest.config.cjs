module.exports = {
  displayName: 'encoder-worker',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/encoder-worker',
};
