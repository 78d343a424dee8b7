module.exports = {
  displayName: 'recsys-data-access',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/recsys/data-access',
};
