module.exports = {
  displayName: 'multimodal-contracts',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/multimodal/contracts',
};
