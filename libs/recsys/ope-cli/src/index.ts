/**
 * @frontier/recsys-ope-cli: the `frontier-ope` command (off-policy evaluation of candidate policies
 * on the Open Bandit Dataset or the recommender's impression log) and its parts, plus the
 * workspace's chart renderer (Vega-Lite → SVG → PNG). See ../README.md.
 */
export { runCli, evaluate, packageVersion, EXIT_OK, EXIT_FAILURE, EXIT_USAGE, type CliIo } from './cli';
export {
  parseCommandLine,
  policyName,
  USAGE,
  UsageError,
  OBD_BEHAVIORS,
  OBD_CAMPAIGNS,
  type CliOptions,
  type ParsedCommand,
  type PolicySpec,
  type SourceSpec,
  type ObdBehavior,
  type ObdCampaign,
} from './args';
export { loggedMean, type LoggedData, type SourceInfo } from './data';
export {
  buildPolicies,
  greedyOnScores,
  readStaticPolicyFile,
  staticPolicyTable,
  uniformTable,
  type EvaluationDistribution,
  type EvaluationPolicy,
  type StaticEntry,
} from './policies';
export { fitItemPositionModel, type ItemPositionModel } from './reward-model';
export { evaluatePolicies, policyColumns, type EstimateRow, type EvaluationReport, type EvaluationSettings, type PolicyResult } from './evaluate';
export { formatTable, toJsonReport } from './report';
export { opeChartSpec, renderChartPng, renderChartSvg, type RenderOptions } from './plot';
export { terminalProgress, NO_PROGRESS, type Progress } from './progress';
export { readItemCount, readObdCampaign, resolveObdFolder, type ObdFolder } from './sources/obd';
export { countImpressions, readImpressionLog, readImpressions, type ImpressionQuery, type ImpressionRow, type Queryable } from './sources/postgres';
