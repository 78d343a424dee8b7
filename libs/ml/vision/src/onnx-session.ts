import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { ModelUnavailableError, type ModelRole } from '@frontier/ml-ports';

/** Opens an ONNX model on onnxruntime-node (CPU); a missing or unreadable file is ModelUnavailableError. */
export async function openSession(role: ModelRole, modelId: string, file: string, threads?: number): Promise<ort.InferenceSession> {
  if (!existsSync(file)) throw new ModelUnavailableError(role, modelId, `model file ${file} not found`);
  try {
    return await ort.InferenceSession.create(file, {
      graphOptimizationLevel: 'all',
      ...(threads ? { intraOpNumThreads: threads } : {}),
    });
  } catch (e) {
    throw new ModelUnavailableError(role, modelId, `cannot load ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
