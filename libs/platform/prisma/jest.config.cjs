module.exports = {
  displayName: 'platform-prisma',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/platform/prisma',
};
