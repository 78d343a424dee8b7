module.exports = {
  displayName: 'multimodal-worker',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/multimodal-worker',
};
