import { readFileSync } from 'node:fs';
import { ModelConfigError, resolveModelsConfig, type ModelsConfig } from './config';

/** Reads MODELS_CONFIG (a JSON file) when set, then the env: the config every app and tool uses. */
export function loadModelsConfig(env: Record<string, string | undefined> = process.env): ModelsConfig {
  const file = env['MODELS_CONFIG'];
  let json: Record<string, unknown> | undefined;
  if (file) {
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ModelConfigError('MODELS_CONFIG', `cannot read ${file}: ${(e as Error).message}`);
    }
  }
  return resolveModelsConfig(env, json);
}
