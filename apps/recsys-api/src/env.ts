import { RankingApiEnv } from './ranking.env';

/** recsys-api's environment: the platform's HTTP variables (ML_* for the embedding model are read by the model registry). */
export class RecsysApiEnv extends RankingApiEnv {}
