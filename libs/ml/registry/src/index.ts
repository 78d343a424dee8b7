export { resolveModelsConfig, parseSpec, ModelConfigError, ROLES, ADAPTERS, type ModelsConfig, type RoleConfig } from './config';
