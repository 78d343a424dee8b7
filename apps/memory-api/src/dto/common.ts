import { ApiProperty } from '@nestjs/swagger';
import { SafeId } from '@frontier/platform-nest';

/** Bytes in a mebibyte, for the `@BodyLimit`s of the DTOs. */
export const MiB = 1024 * 1024;

/** Every memory route acts for one user of the caller's tenant. */
export class UserScopedDto {
  @ApiProperty({ example: 'user-42', maxLength: 128, description: "Your user's id; memories are scoped to it within your tenant (no whitespace, control or invisible characters)" })
  @SafeId()
  user_id!: string;
}
