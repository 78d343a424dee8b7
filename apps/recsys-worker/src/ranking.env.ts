import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { PlatformEnv } from '@frontier/platform-config';
import { rankingSettings, type RankingSettings } from '@frontier/recsys-nest';

/** Ranking's variables of recsys-worker: where index builds go and the HNSW parameters. */
export class RankingWorkerEnv extends PlatformEnv {
  /** Where index builds are written (recsys-api replicas read them: a folder both can reach). */
  @IsOptional()
  @IsString()
  RECSYS_INDEX_DIR?: string;

  @Type(() => Number)
  @IsInt()
  @Min(4)
  @Max(64)
  RECSYS_HNSW_M: number = 16;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(1_000)
  RECSYS_HNSW_EF_CONSTRUCTION: number = 100;

  /** Beam width of searches (stored with the build; recsys-api uses it). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(1_000)
  RECSYS_HNSW_EF_SEARCH: number = 64;
}

export function rankingSettingsFromEnv(env: RankingWorkerEnv): RankingSettings {
  return rankingSettings({ indexDir: env.RECSYS_INDEX_DIR, hnsw: { m: env.RECSYS_HNSW_M, efConstruction: env.RECSYS_HNSW_EF_CONSTRUCTION, efSearch: env.RECSYS_HNSW_EF_SEARCH } });
}
