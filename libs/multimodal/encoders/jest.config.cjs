module.exports = {
  displayName: 'multimodal-encoders',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/multimodal/encoders',
};
