import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Allow, ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsUUID, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { BodyLimit, MaxTotalLength, SafeId, SafeString, SafeTime } from '@frontier/platform-nest';
import { MEMORY_TYPES } from '@frontier/memory-domain';
import { MiB } from '../dto/common';
import { CreateSessionDto, SESSION_MAX_CHARS, SESSION_MAX_TURNS, TURN_MAX_CHARS } from '../dto/create-session.dto';
import { ListMemoriesDto } from '../dto/list-memories.dto';
import { SearchMemoriesDto } from '../dto/search.dto';

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/**
 * Fields Mem0 clients send that we accept and ignore: the tenant comes from the API key, not from
 * `org_id` / `project_id`; versions and output formats are answered in the one shape we serve.
 */
class Mem0Envelope {
  @Allow() org_id?: unknown;
  @Allow() project_id?: unknown;
  @Allow() version?: unknown;
  @Allow() output_format?: unknown;
}

export class Mem0MessageDto {
  @ApiProperty({ enum: ['user', 'assistant', 'system'] })
  @IsIn(['user', 'assistant', 'system'])
  role!: 'user' | 'assistant' | 'system';

  @ApiProperty({ description: 'Text (image parts answer 501)', example: "I'm vegetarian and I work at Acme Corp." })
  @IsDefined()
  @ValidateIf((o: Mem0MessageDto) => typeof o.content !== 'object' || o.content === null)
  @SafeString({ max: TURN_MAX_CHARS, notBlank: true })
  content!: string | Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @SafeString({ max: 128, line: true })
  name?: string;
}

/**
 * `user_id` (required: every memory belongs to one user) and `agent_id` follow our session rules,
 * and so do the messages' maxima and the 4 MiB body limit (see CreateSessionDto).
 */
@BodyLimit(4 * MiB)
export class Mem0AddDto extends IntersectionType(Mem0Envelope, PickType(CreateSessionDto, ['user_id', 'agent_id'])) {
  @ApiProperty({ type: [Mem0MessageDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SESSION_MAX_TURNS)
  @MaxTotalLength('content', SESSION_MAX_CHARS)
  @ValidateNested({ each: true })
  @Type(() => Mem0MessageDto)
  messages!: Mem0MessageDto[];

  @ApiPropertyOptional({ maxLength: 90, description: 'Our session id: each add is one session of this run' })
  @IsOptional()
  @SafeId({ max: 90, forbid: '#' })
  run_id?: string;

  @ApiPropertyOptional({ description: 'false: store each user message verbatim (no extraction; still deduplicated)' })
  @IsOptional()
  @IsBoolean()
  infer?: boolean;

  @ApiPropertyOptional({ description: 'Unix seconds (not milliseconds): when the messages were said (our valid_at); 1970 … now + 5 min' })
  @IsOptional()
  @SafeTime({ kind: 'event', seconds: true, integer: true, output: 'input' })
  // Mem0's timestamp is a number: an ISO string passed SafeTime and became an Invalid Date (500, found by the fuzz)
  @IsNumber({}, { message: 'timestamp must be Unix seconds (a number), not a date string' })
  timestamp?: number;

  @Allow() async_mode?: unknown;
  // Mem0 options with no counterpart here: accepted by validation, answered 501 naming the option
  @Allow() app_id?: unknown;
  @Allow() metadata?: unknown;
  @Allow() custom_categories?: unknown;
  @Allow() custom_instructions?: unknown;
  @Allow() agent_custom_instructions?: unknown;
  @Allow() expiration_date?: unknown;
  @Allow() structured_data_schema?: unknown;
  @Allow() includes?: unknown;
  @Allow() excludes?: unknown;
  @Allow() immutable?: unknown;
  @Allow() enable_graph?: unknown;
}

export const ADD_UNSUPPORTED = [
  'app_id',
  'metadata',
  'custom_categories',
  'custom_instructions',
  'agent_custom_instructions',
  'expiration_date',
  'structured_data_schema',
  'includes',
  'excludes',
  'immutable',
  'enable_graph',
] as const;

class Mem0FilteredDto extends Mem0Envelope {
  @ApiProperty({ example: { AND: [{ user_id: 'alice' }, { agent_id: 'support-bot' }] }, description: 'user_id required; agent_id, run_id, created_at {gte,gt,lte,lt}, AND' })
  @IsObject()
  filters!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: MEMORY_TYPES, isArray: true, description: 'Our memory types' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MEMORY_TYPES.length)
  @IsIn([...MEMORY_TYPES], { each: true })
  categories?: string[];

  @ApiPropertyOptional({ description: 'Include superseded / invalidated facts (getAll only; search returns live facts)' })
  @IsOptional()
  @IsBoolean()
  show_expired?: boolean;

  @Allow() latest_only?: unknown;
  @Allow() fields?: unknown;
  @Allow() metadata?: unknown;
}

/** `query`, `limit` (older clients) and `threshold` follow our native search rules. */
export class Mem0SearchDto extends IntersectionType(Mem0FilteredDto, PickType(SearchMemoriesDto, ['query', 'limit', 'threshold'])) {
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  top_k?: number;

  // ranking hints: our search is always hybrid (dense + BM25) and re-scored
  @Allow() rerank?: unknown;
  @Allow() keyword_search?: unknown;
  @Allow() reference_date?: unknown;
  @Allow() source?: unknown;
}

export class Mem0GetAllDto extends Mem0FilteredDto {
  @ApiPropertyOptional({ description: 'created_at ≥ this (ISO 8601, 1970 … 9999)' })
  @IsOptional()
  @SafeTime({ kind: 'bound', output: 'iso' })
  start_date?: string;

  @ApiPropertyOptional({ description: 'created_at ≤ this (ISO 8601, 1970 … 9999)' })
  @IsOptional()
  @SafeTime({ kind: 'bound', output: 'iso' })
  end_date?: string;
}

/** `page`, `page_size` as on our native list (mem0's default page size, 100, is applied by the route). */
export class Mem0PageDto extends PickType(ListMemoriesDto, ['page', 'page_size']) {}

export class Mem0UpdateDto {
  @ApiPropertyOptional({ example: 'My daughter is 8' })
  @IsOptional()
  @SafeString({ max: 2_000, notBlank: true })
  text?: string;

  @Allow() metadata?: unknown;
  @Allow() timestamp?: unknown;
  @Allow() expiration_date?: unknown;
}

export class Mem0DeleteDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  delete_linked?: boolean;
}

export class Mem0DeleteAllDto extends IntersectionType(Mem0Envelope, PickType(CreateSessionDto, ['user_id', 'agent_id'])) {
  @ApiPropertyOptional()
  @IsOptional()
  @SafeId()
  run_id?: string;

  @Allow() app_id?: unknown;
}

export class Mem0BatchUpdateItem {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4')
  memory_id!: string;

  @ApiProperty({ maxLength: 2_000 })
  @SafeString({ max: 2_000, notBlank: true })
  text!: string;
}

export class Mem0BatchDeleteItem {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4')
  memory_id!: string;
}

/** 1,000 items of at most 200,000 characters in all: under 2 MiB of compact JSON, escaped or not. */
@BodyLimit(2 * MiB)
export class Mem0BatchUpdateDto {
  @ApiProperty({ type: [Mem0BatchUpdateItem], maxItems: 1_000, description: 'At most 200,000 characters of text in all' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1_000)
  @MaxTotalLength('text', 200_000)
  @ValidateNested({ each: true })
  @Type(() => Mem0BatchUpdateItem)
  memories!: Mem0BatchUpdateItem[];
}

export class Mem0BatchDeleteDto {
  @ApiProperty({ type: [Mem0BatchDeleteItem] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1_000)
  @ValidateNested({ each: true })
  @Type(() => Mem0BatchDeleteItem)
  memories!: Mem0BatchDeleteItem[];
}

export class Mem0CreateExportDto extends Mem0Envelope {
  @ApiProperty({ description: 'JSON schema of the export (its top-level shape is honoured)' })
  @IsObject()
  schema!: Record<string, unknown>;

  @ApiProperty({ example: { user_id: 'alice' } })
  @IsObject()
  filters!: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 20_000, description: 'Accepted; the export is not LLM-written, so instructions do not apply' })
  @IsOptional()
  @SafeString({ max: 20_000, min: 0 })
  export_instructions?: string;
}

export class Mem0GetExportDto extends Mem0Envelope {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('4')
  memory_export_id?: string;

  @ApiPropertyOptional({ example: { user_id: 'alice' }, description: "Without an id: this user's latest export" })
  @IsOptional()
  @IsObject()
  filters?: Record<string, unknown>;
}
