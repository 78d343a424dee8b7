// Kept for configs that still point here (libs/ml/vision/jest.config.cjs): the shared-realm
// environment now lives in tools/jest and is the preset's default, so this only re-exports it.
module.exports = require('../../../tools/jest/shared-realm.environment.cjs');
