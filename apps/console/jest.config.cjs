module.exports = {
  displayName: 'console',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '/web/'],
  coverageDirectory: '../../coverage/apps/console',
};
