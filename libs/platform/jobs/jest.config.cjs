module.exports = {
  displayName: 'platform-jobs',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/platform/jobs',
};
