import { checkRole, loadModelsConfig, ModelRegistry, ROLES } from '@frontier/ml-registry';
import { head, line } from '../lib';

/** Which model serves each role, each loaded and run once on real input. */
export async function models(): Promise<void> {
  head('Models (offline defaults; npm run models -- list|check)');
  const registry = new ModelRegistry(loadModelsConfig());
  for (const role of ROLES) {
    const r = await checkRole(registry, role);
    line(`  ${r.skipped ? '–' : r.ok ? '✔' : '✘'} ${role.padEnd(10)} ${r.adapter.padEnd(13)} ${r.modelId ?? ''} ${r.probeMs !== undefined ? `${r.probeMs} ms ` : ''}${r.detail}`);
    if (!r.ok) throw new Error(`model check failed for ${role}: ${r.detail}`);
  }
  await registry.close();
}
