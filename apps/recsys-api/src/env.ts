import { HttpEnv } from '@frontier/platform-config';

/** recsys-api's environment: the platform's HTTP variables; the recommender's own go here. */
export class RecsysApiEnv extends HttpEnv {}
