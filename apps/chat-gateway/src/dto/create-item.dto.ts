import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class CreateItemDto {
  @ApiProperty({ example: 'My first item', description: 'Trimmed; 1-200 characters' })
  @IsString()
  title!: string;
}
