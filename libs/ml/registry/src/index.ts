export { resolveModelsConfig, parseSpec, ModelConfigError, ROLES, ADAPTERS, type ModelsConfig, type RoleConfig } from './config';
export { ModelRegistry, type RoleModels } from './registry';
export { checkRole, type CheckResult } from './check';
export { loadModelsConfig } from './load';
