import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, Validate, type ValidationArguments, type ValidatorConstraintInterface, ValidatorConstraint } from 'class-validator';
import { HttpEnv } from '@frontier/platform-config';
import { rankingSettings, type RankingSettings } from '@frontier/recsys-nest';

@ValidatorConstraint({ name: 'epsilon' })
class EpsilonRule implements ValidatorConstraintInterface {
  validate(v: unknown): boolean {
    return v === 'adaptive' || (typeof v === 'string' && /^(0(\.\d+)?|1(\.0+)?)$/.test(v));
  }
  defaultMessage(a: ValidationArguments): string {
    return `${a.property} must be 'adaptive' or a number from 0 to 1`;
  }
}

/** Ranking's variables of recsys-api (every one has a default: see libs/recsys/nest README, "Ranking"). */
export class RankingApiEnv extends HttpEnv {
  /** The index builds recsys-worker writes (a folder both can reach). */
  @IsOptional()
  @IsString()
  RECSYS_INDEX_DIR?: string;

  /** ε of the exploration policy, or 'adaptive' (5 %; 15 % at 01–06 UTC; 2 % at 18–22 UTC). */
  @Validate(EpsilonRule)
  RECSYS_EPSILON: string = 'adaptive';

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(5_000)
  RECSYS_CANDIDATES: number = 200;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  RECSYS_MAX_PER_CREATOR: number = 2;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  RECSYS_MAX_PER_CATEGORY: number = 2;

  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  RECSYS_ITEMS_POLL_MS: number = 1_000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  RECSYS_INDEX_POLL_MS: number = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  RECSYS_MODEL_POLL_MS: number = 5_000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(10_000_000)
  RECSYS_BUFFER_REBUILD_AT: number = 20_000;

  /** 'false': impression batches commit without waiting for the WAL flush (a Postgres crash may lose the last ~0.6 s of them). */
  @IsIn(['true', 'false'], { message: 'RECSYS_IMPRESSIONS_DURABLE must be true or false' })
  RECSYS_IMPRESSIONS_DURABLE: string = 'true';
}

export function rankingSettingsFromEnv(env: RankingApiEnv): RankingSettings {
  return rankingSettings({
    indexDir: env.RECSYS_INDEX_DIR,
    epsilon: env.RECSYS_EPSILON === 'adaptive' ? 'adaptive' : Number(env.RECSYS_EPSILON),
    candidates: env.RECSYS_CANDIDATES,
    maxPerCreator: env.RECSYS_MAX_PER_CREATOR,
    maxPerCategory: env.RECSYS_MAX_PER_CATEGORY,
    itemsPollMs: env.RECSYS_ITEMS_POLL_MS,
    indexPollMs: env.RECSYS_INDEX_POLL_MS,
    modelPollMs: env.RECSYS_MODEL_POLL_MS,
    bufferRebuildAt: env.RECSYS_BUFFER_REBUILD_AT,
    durableImpressions: env.RECSYS_IMPRESSIONS_DURABLE === 'true',
  });
}
