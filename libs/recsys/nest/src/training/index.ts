export { RecsysTrainingModule } from './training.module';
export { TrainingService, RunBusyError, LiveChangedError, windowEndFor, type TrainRequest, type TrainOutcome, type TrainingStep } from './training.service';
export { TrainingScheduler, type ScheduleReport } from './training.scheduler';
export { ModelRegistryService } from './model-registry.service';
export { TRAINING_OPTIONS, trainingDefaults, type TrainingOptions, type ResolvedTrainingOptions } from './options';
export { DEFAULT_GATE_RULE, decideGate, gateTolerance, type GateRule, type GateDecision, type GateBaseline, type GateCheck, type OpeSummary } from './gate';
export { PointInTimeFeatures, itemSnapshotOf, type FeatureNeeds } from './features';
export { evaluateModel, prepareEvaluation, evaluationNeeds, evaluationActions, meanWeightTolerance, loggedValue, holdoutMetrics, binaryAuc, logLoss, type EvalSet, type ModelEvaluation, type HoldoutMetrics } from './evaluation';
export { buildExamples, toReplayItem, trainInChunks, replayUsable, type ExampleSet } from './examples';
