import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Most days of refusals one `GET /v1/usage/keys` returns. */
export const KEY_SPEND_MAX_DAYS = 90;

/** `GET /v1/usage/keys?days=7`: the caller's tenant's keys with limits, spend and refused requests. */
export class KeySpendQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: KEY_SPEND_MAX_DAYS, default: 7, description: 'Refused requests of the last N UTC days (today included)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'days must be a whole number of days' })
  @Min(1, { message: `days must be from 1 to ${KEY_SPEND_MAX_DAYS}` })
  @Max(KEY_SPEND_MAX_DAYS, { message: `days must be from 1 to ${KEY_SPEND_MAX_DAYS}` })
  days?: number;
}
