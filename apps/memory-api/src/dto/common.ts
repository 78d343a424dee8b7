import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

/** Every memory route acts for one user of the caller's tenant. */
export class UserScopedDto {
  @ApiProperty({ example: 'user-42', description: "Your user's id; memories are scoped to it within your tenant" })
  @IsString()
  @Length(1, 128)
  @Matches(/^[^\s]+$/, { message: 'user_id must not contain whitespace' })
  user_id!: string;
}
