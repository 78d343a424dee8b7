module.exports = {
  displayName: 'chat-gateway',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/chat-gateway',
};
