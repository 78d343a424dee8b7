import { RECSYS_MODEL_KIND } from '@frontier/recsys-contracts';
import type { TwoTowerConfig } from '@frontier/recsys-domain';
import { DEFAULT_GATE_RULE, type GateRule } from './gate';

/** Injection token of {@link TrainingOptions}. */
export const TRAINING_OPTIONS = Symbol.for('frontier:recsys-training-options');

/** The training loop's settings; every field has a default ({@link trainingDefaults}). */
export interface TrainingOptions {
  /** `recsys_model_versions.kind`. Default `RECSYS_MODEL_KIND` ('two-tower-mlp', what ranking serves). */
  kind?: string;
  /** The hourly head update's window. Default 1 h. */
  headWindowMs?: number;
  /** The daily full retrain's window. Default 7 days. */
  fullWindowMs?: number;
  /** The gate evaluates on the held-out requests of this long before the window's end. Default 24 h. */
  gateWindowMs?: number;
  /** Rewards count when they happened before window end + this (clicks follow impressions). Default 15 min. */
  rewardDelayMs?: number;
  /** Share of a head update's rows replayed from the reservoir. Default 0.2. */
  replayFraction?: number;
  /** Replay reservoir size per tenant. Default 2,000 examples. */
  reservoirCapacity?: number;
  /** Most (latest) impressions a run trains on. Default 200,000. */
  maxTrainingRows?: number;
  /** Most (latest) held-out impressions the gate evaluates. Default 20,000. */
  maxEvalRows?: number;
  /**
   * The gate evaluates a model as a policy over at most this many items, the most shown in the
   * held-out logs (scoring costs requests × items). Default 1,000.
   */
  maxEvalActions?: number;
  /** Passes over the data. Defaults: head 2, full 3. */
  headEpochs?: number;
  fullEpochs?: number;
  /**
   * A full training takes at least this many optimizer steps (more passes over a small window:
   * 7,000 rows need ~15). Default 400.
   */
  minFullSteps?: number;
  batchSize?: number;
  learningRate?: number;
  /** Model shape (the input dims come from the feature definition's model input layout). */
  model?: Pick<TwoTowerConfig, 'embeddingDim' | 'towerHidden' | 'headHidden'>;
  /** ε of the ε-greedy policy a candidate is evaluated as (what ranking serves). Default 0.05. */
  epsilon?: number;
  /** Bootstrap of the OPE intervals. Defaults: 2,000 resamples, α = 0.05. */
  bootstrapResamples?: number;
  alpha?: number;
  /** The promotion rule ({@link DEFAULT_GATE_RULE}). */
  gate?: Partial<GateRule>;
  /** A claimed run is another worker's for this long without a heartbeat. Default 10 min. */
  leaseMs?: number;
  /** Seed of everything random in a run (mixed with the run's window). Default 1. */
  seed?: number;
}

export type ResolvedTrainingOptions = Required<Omit<TrainingOptions, 'gate' | 'model'>> & { gate: GateRule; model: NonNullable<TrainingOptions['model']> };

export function trainingDefaults(o: TrainingOptions = {}): ResolvedTrainingOptions {
  return {
    kind: o.kind ?? RECSYS_MODEL_KIND,
    headWindowMs: o.headWindowMs ?? 3_600_000,
    fullWindowMs: o.fullWindowMs ?? 7 * 86_400_000,
    gateWindowMs: o.gateWindowMs ?? 86_400_000,
    rewardDelayMs: o.rewardDelayMs ?? 15 * 60_000,
    replayFraction: o.replayFraction ?? 0.2,
    reservoirCapacity: o.reservoirCapacity ?? 2_000,
    maxTrainingRows: o.maxTrainingRows ?? 200_000,
    maxEvalRows: o.maxEvalRows ?? 20_000,
    maxEvalActions: o.maxEvalActions ?? 1_000,
    headEpochs: o.headEpochs ?? 2,
    fullEpochs: o.fullEpochs ?? 3,
    minFullSteps: o.minFullSteps ?? 400,
    batchSize: o.batchSize ?? 256,
    learningRate: o.learningRate ?? 3e-3,
    model: o.model ?? {},
    epsilon: o.epsilon ?? 0.05,
    bootstrapResamples: o.bootstrapResamples ?? 2_000,
    alpha: o.alpha ?? 0.05,
    gate: { ...DEFAULT_GATE_RULE, ...o.gate },
    leaseMs: o.leaseMs ?? 10 * 60_000,
    seed: o.seed ?? 1,
  };
}
