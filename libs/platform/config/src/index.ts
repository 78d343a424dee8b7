export { loadEnv, EnvValidationError, PlatformEnv, HttpEnv, type EnvProblem } from './env';
