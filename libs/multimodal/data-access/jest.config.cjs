module.exports = {
  displayName: 'multimodal-data-access',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/multimodal/data-access',
};
