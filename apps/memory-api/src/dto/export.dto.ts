import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { UserScopedDto } from './common';

/** `GET /v1/export`: everything kept about the user, as JSON (streamed) or a readable Markdown view. */
export class ExportDto extends UserScopedDto {
  @ApiPropertyOptional({ enum: ['json', 'text'], default: 'json', description: '`json` (streamed document) or `text` (Markdown, for people)' })
  @IsOptional()
  @IsIn(['json', 'text'])
  format?: 'json' | 'text';
}
