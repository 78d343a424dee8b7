/**
 * @frontier/recsys-domain: the pure recommender core (no framework, no I/O).
 * See ../README.md for the tour and docs/benchmarks.md for the measured numbers.
 */
export * from './random';
export * from './ope/index';
export * from './synthetic/index';
export * from './exploration/index';
export * from './model/index';
export * from './replay/index';
export * from './coldstart/index';
export * from './rerank/index';
export * from './trending/index';
export { minimizeLbfgs, type LbfgsOptions, type LbfgsResult, type Objective } from './linalg/lbfgs';
export { solveSpd } from './linalg/cholesky';
export * from './features/index';
