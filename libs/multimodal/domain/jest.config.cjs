module.exports = {
  displayName: 'multimodal-domain',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/multimodal/domain',
};
