/**
 * npm run models -- list            which adapter serves each model role, and from where
 * npm run models -- check [role…]   load each configured model and run one tiny real inference
 *
 * Configuration: ML_<ROLE> (embedding, vad, ocr, nsfw, asr, llm), ML_<ROLE>_API_KEY, MODELS_DIR,
 * MODELS_CONFIG (JSON file). See libs/ml/registry/README.md.
 */
import { checkRole, loadModelsConfig, ModelRegistry, ROLES } from '@frontier/ml-registry';
import type { ModelRole } from '@frontier/ml-ports';

async function main(): Promise<number> {
  const [cmd = 'list', ...rest] = process.argv.slice(2);
  const config = loadModelsConfig();
  if (cmd === 'list') {
    console.log(`MODELS_DIR ${config.modelsDir}`);
    for (const role of ROLES) {
      const c = config.roles[role];
      const where = c.path ?? (c.baseUrl ? `${c.baseUrl} model=${c.model}${c.apiKey ? ' (api key set)' : ''}` : 'packaged with npm/Debian');
      console.log(`${role.padEnd(10)} ${c.adapter.padEnd(13)} ${where}  [${c.source}]`);
    }
    return 0;
  }
  if (cmd === 'check') {
    const roles = (rest.length ? rest : ROLES) as ModelRole[];
    const unknown = roles.filter((r) => !ROLES.includes(r));
    if (unknown.length) {
      console.error(`unknown role(s): ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
      return 2;
    }
    const registry = new ModelRegistry(config);
    let failed = 0;
    for (const role of roles) {
      const r = await checkRole(registry, role);
      if (!r.ok) failed++;
      const mark = r.skipped ? '–' : r.ok ? '✔' : '✘';
      console.log(`${mark} ${role.padEnd(10)} ${r.adapter.padEnd(13)} ${r.modelId ? `${r.modelId} ` : ''}${r.probeMs !== undefined ? `${r.probeMs} ms ` : ''}${r.detail}`);
    }
    await registry.close();
    return failed ? 1 : 0;
  }
  console.error('usage: npm run models -- list | check [role…]');
  return 2;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`models: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
