module.exports = {
  displayName: 'multimodal-nest',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/multimodal/nest',
};
