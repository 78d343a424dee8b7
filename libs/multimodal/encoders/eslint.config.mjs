import baseConfig, { dependencyChecks } from '../../../eslint.config.mjs';

// nats: @nestjs/microservices loads it at run time for the NATS transport (no import the rule can see)
export default [...baseConfig, ...dependencyChecks({ ignoredDependencies: ['nats'] })];
