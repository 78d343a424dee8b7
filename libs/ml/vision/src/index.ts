export { decodeImage, decodeResized, DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, type DecodeOptions, type RawImage } from './image/decode';
export { createPaddleOcr, type PaddleOcrEngine, type PaddleOcrOptions } from './ocr/paddle-ocr';
export { defaultOcrModelDir, PP_OCRV4_FILES, type PaddleOcrFiles } from './ocr/models';
export { createNsfwjs, type NsfwjsClassifier, type NsfwjsOptions } from './nsfw/nsfwjs';
export { NSFW_CLASSES, NSFWJS_INPUT_SIZE, type NsfwjsModelName } from './nsfw/nsfwjs-model';
export { createOnnxImageClassifier, type OnnxImageClassifierOptions } from './nsfw/onnx-classifier';
