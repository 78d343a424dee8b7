import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SafeString } from '@frontier/platform-nest';
import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'chat-backend' })
  @SafeString({ max: 100, line: true, notBlank: true })
  name!: string;

  @ApiPropertyOptional({ example: ['memory:*', 'recsys:read'], description: 'Scopes; `*` grants all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Matches(/^(\*|[a-z]+:(\*|[a-z-]+))$/, { each: true, message: 'each scope must look like "memory:read", "memory:*" or "*"' })
  scopes: string[] = ['*'];
}
