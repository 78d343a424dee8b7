/**
 * `@frontier/ml-vision/testing`: rendered text lines and pages (OCR ground truth) and synthetic
 * photos, for the specs and the OCR / NSFW benches. Test support only: not part of the built package.
 */
export { editDistance, renderLine, renderPage, TEST_LINES, type TextStyle } from '../__fixtures__/render';
export { syntheticImages } from '../__fixtures__/synthetic-images';
export { buildTinyClassifier, type TinyClassifier } from '../__fixtures__/tiny-classifier-onnx';
