import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'chat-backend' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ example: ['memory:*', 'recsys:read'], description: 'Scopes; `*` grants all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Matches(/^(\*|[a-z]+:(\*|[a-z-]+))$/, { each: true, message: 'each scope must look like "memory:read", "memory:*" or "*"' })
  scopes: string[] = ['*'];
}
