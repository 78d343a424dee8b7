import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class CreateTenantDto {
  @ApiProperty({ example: 'acme', description: 'Unique name: lowercase letters, digits and dashes' })
  @IsString()
  @Length(2, 64)
  @Matches(/^[a-z0-9][a-z0-9-]*$/, { message: 'name may hold only lowercase letters, digits and dashes, starting with a letter or digit' })
  name!: string;
}
