import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, ValidateBy, ValidateNested, type ValidationArguments } from 'class-validator';
import { BodyLimit, SafeId, SafeInt } from '@frontier/platform-nest';
import { idProblem } from '@frontier/platform-util';
import type { Recommendation, RecommendRequest } from '@frontier/recsys-nest';

/** Most items one recommendation answers. */
export const K_MAX = 100;
/** Most ids a request may exclude. */
export const EXCLUDE_MAX = 500;

/** Each element an id (platform-util `idProblem`); the message names the first bad index. */
function SafeIds(): PropertyDecorator {
  const problem = (v: unknown): string | null => {
    if (!Array.isArray(v)) return 'must be an array';
    for (let i = 0; i < v.length; i++) {
      const p = idProblem(v[i]);
      if (p) return `item ${i} ${p}`;
    }
    return null;
  };
  return ValidateBy({
    name: 'safeIds',
    validator: { validate: (v: unknown) => problem(v) === null, defaultMessage: (a?: ValidationArguments) => `${a?.property ?? 'value'} ${problem(a?.value) ?? 'is invalid'}` },
  });
}

export class RecommendContextDto {
  @ApiPropertyOptional({ type: [String], maxItems: EXCLUDE_MAX, example: ['video-3'], description: 'Items not to show (e.g. already on screen)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(EXCLUDE_MAX)
  @SafeIds()
  exclude?: string[];
}

@BodyLimit(96 * 1024)
export class RecommendDto {
  @ApiProperty({ example: 'user-42', maxLength: 128, description: 'Your user id. A user with no engagement in the last 7 days (an unknown one too) gets the cold-start slate.' })
  @SafeId()
  user!: string;

  @ApiProperty({ example: 'home', maxLength: 64, description: 'Where the items are shown (logged with each impression; part of the model context)' })
  @SafeId({ max: 64 })
  surface!: string;

  @ApiProperty({ minimum: 1, maximum: K_MAX, example: 10, description: 'How many items' })
  @SafeInt({ min: 1, max: K_MAX })
  k!: number;

  @ApiPropertyOptional({ type: RecommendContextDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RecommendContextDto)
  context?: RecommendContextDto;
}

export const toRecommendRequest = (d: RecommendDto): RecommendRequest => ({ userId: d.user, surface: d.surface, k: d.k, ...(d.context?.exclude ? { exclude: d.context.exclude } : {}) });

/** The answer: the request id (send it back with the events of these items), then the items by position. */
export const presentRecommendation = (r: Recommendation) => ({
  request_id: r.requestId,
  model_version: r.modelVersion,
  policy: r.policy,
  cold_start: r.coldStart,
  items: r.items.map((i) => ({ id: i.id, score: i.score, position: i.position, propensity: i.propensity, explored: i.explored })),
});
