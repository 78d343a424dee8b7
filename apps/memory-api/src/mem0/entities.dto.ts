import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { SafeId } from '@frontier/platform-nest';

/** `DELETE /v2/entities/{type}/{name}/` (the client's `deleteUsers`). */
export class Mem0EntityParams {
  @ApiProperty({ enum: ['user', 'agent', 'app', 'run'] })
  @IsIn(['user', 'agent', 'app', 'run'])
  type!: string;

  @ApiProperty({ example: 'user-42', maxLength: 128 })
  @SafeId()
  name!: string;
}
