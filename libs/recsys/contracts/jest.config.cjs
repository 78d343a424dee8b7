module.exports = {
  displayName: 'recsys-contracts',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/recsys/contracts',
};
