import { CAPPED_EXPONENTIAL, defineJobCatalog, queueOf, schedule } from '@frontier/platform-jobs';

/**
 * The training loop's contracts (issue 12 item 5): its jobs run on a queue of their own
 * (`recsys-training`), so a long retrain never holds up the feature jobs of the `recsys` queue.
 * The hourly head update and the daily full retrain are scheduled fan-outs: each queues one
 * `recsys.train-model` per tenant with impressions in the window, keyed by (tenant, mode, window).
 * Promotions and rollbacks are announced on `recsysChannels(prefix).modelChanged` (ranking.ts).
 */
export const RECSYS_TRAINING_QUEUE = 'recsys-training';

export type RecsysTrainingMode = 'head' | 'full';

export interface RecsysTrainSchedulePayload {
  mode: RecsysTrainingMode;
}

export interface RecsysTrainModelPayload {
  tenantId: string;
  mode: RecsysTrainingMode;
  /** End of the training window (exclusive), ISO 8601: an hour boundary (head) or a UTC midnight (full). */
  windowEnd: string;
}

/** Retries of a training run: a busy run (another worker holds it) or a conflict waits and tries again, up to ~1.5 h. */
export const RECSYS_TRAIN_RUN_OPTIONS = {
  attempts: 10,
  backoff: { type: CAPPED_EXPONENTIAL, delay: 30_000, maxDelay: 15 * 60_000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 24 * 3600 },
} as const;

const q = queueOf(RECSYS_TRAINING_QUEUE);

export const RecsysTrainingJobs = {
  /** Hourly (head) and daily (full): one `trainModel` per tenant with impressions in the window just closed. */
  trainSchedule: q.job<RecsysTrainSchedulePayload>('recsys.train-schedule', {
    options: { attempts: 3, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  }),
  /** One training run: train a candidate on the window, register it, gate it (promote or reject). Idempotent per window. */
  trainModel: q.job<RecsysTrainModelPayload>('recsys.train-model', {
    jobId: (d) => `recsys-train.${d.tenantId}.${d.mode}.${Date.parse(d.windowEnd)}`,
    options: RECSYS_TRAIN_RUN_OPTIONS,
  }),
};

/** Head updates at minute 20 of every hour (after the reward delay of the hour just closed); the full retrain at 02:40 UTC. */
export const RECSYS_TRAINING_JOBS = defineJobCatalog(RECSYS_TRAINING_QUEUE, RecsysTrainingJobs, [
  schedule('recsys-train-head', '20 * * * *', RecsysTrainingJobs.trainSchedule, { mode: 'head' }),
  schedule('recsys-train-full', '40 2 * * *', RecsysTrainingJobs.trainSchedule, { mode: 'full' }),
]);
