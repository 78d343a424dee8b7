import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Allow, ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsUUID, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { BodyLimit, MaxTotalLength, SafeId, SafeString, SafeTime } from '@frontier/platform-nest';
import { MiB } from '../dto/common';
import { SESSION_MAX_CHARS, SESSION_MAX_TURNS, TURN_MAX_CHARS } from '../dto/create-session.dto';
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
 * `user_id`, or without one `agent_id`, `app_id` or `run_id` (the memories then belong to that
 * agent, app or run); the messages' maxima and the 4 MiB body limit follow our session rules.
 */
@BodyLimit(4 * MiB)
export class Mem0AddDto extends Mem0Envelope {
  @ApiPropertyOptional({ example: 'alice', maxLength: 128, description: 'Required unless agent_id, app_id or run_id is given' })
  @IsOptional()
  @SafeId()
  user_id?: string;

  @ApiPropertyOptional({ example: 'support-bot', maxLength: 128 })
  @IsOptional()
  @SafeId()
  agent_id?: string;

  @ApiPropertyOptional({ example: 'web', maxLength: 128 })
  @IsOptional()
  @ValidateIf((o: Mem0AddDto) => o.app_id !== '')
  @SafeId()
  app_id?: string;

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

  @ApiPropertyOptional({ description: 'true: answer at once (PENDING, 202, with event_id) and extract in the worker; GET /v1/event/{event_id}/ tells when it is done. Default false on v3, true on POST /v1/memories/' })
  @IsOptional()
  @IsBoolean()
  async_mode?: boolean;

  @ApiPropertyOptional({ description: 'Copied onto every memory the add stores; filterable (filters.metadata). Stored in clear (not encrypted at rest), at most 16,384 characters of JSON', example: { source: 'email', priority: 2 } })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Categories to match each memory against, [{name: description}] (default: the project\'s)', example: [{ food: 'meals, diets, restaurants' }] })
  @IsOptional()
  @IsArray()
  custom_categories?: Array<Record<string, string>>;

  @ApiPropertyOptional({ description: 'Not served after this day (UTC): our invalid_at on every memory the add stores', example: '2026-12-31' })
  @IsOptional()
  @SafeTime({ kind: 'bound', output: 'input' })
  expiration_date?: string;

  // Mem0 options with no counterpart here: accepted by validation, answered 501 naming the option
  @Allow() custom_instructions?: unknown;
  @Allow() agent_custom_instructions?: unknown;
  @Allow() structured_data_schema?: unknown;
  @Allow() includes?: unknown;
  @Allow() excludes?: unknown;
  @Allow() immutable?: unknown;
  @Allow() enable_graph?: unknown;
}

export const ADD_UNSUPPORTED = ['custom_instructions', 'agent_custom_instructions', 'structured_data_schema', 'includes', 'excludes', 'immutable', 'enable_graph'] as const;

class Mem0FilteredDto extends Mem0Envelope {
  @ApiProperty({
    example: { AND: [{ user_id: 'alice' }, { metadata: { priority: { gte: 2 } } }] },
    description:
      'Mem0 filters: user_id, agent_id, app_id, run_id, memory_ids, created_at, updated_at, timestamp, categories, metadata.<key>; operators eq, ne, in, nin, gt, gte, lt, lte, contains, icontains, "*"; AND / OR / NOT of any arity',
  })
  @IsObject()
  filters!: Record<string, unknown>;

  @ApiPropertyOptional({ isArray: true, type: String, description: 'Any of these categories (our memory types or custom categories)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @SafeString({ max: 128, each: true })
  categories?: string[];

  @ApiPropertyOptional({ description: 'Include superseded / invalidated facts (getAll only; search returns live facts)' })
  @IsOptional()
  @IsBoolean()
  show_expired?: boolean;

  @ApiPropertyOptional({ description: 'true (the default): only facts not superseded; false on getAll includes superseded ones' })
  @IsOptional()
  @IsBoolean()
  latest_only?: boolean;

  @ApiPropertyOptional({ isArray: true, type: String, description: 'Only these fields of each memory (id, memory, metadata, categories, created_at, updated_at, score …)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @SafeString({ max: 64, each: true })
  fields?: string[];

  @ApiPropertyOptional({ description: 'Metadata conditions ANDed with filters (older clients): {"source": "email"}' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

/** `query`, `limit` (older clients) and `threshold` follow our native search rules. */
export class Mem0SearchDto extends IntersectionType(Mem0FilteredDto, PickType(SearchMemoriesDto, ['query', 'limit'])) {
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  top_k?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Minimum similarity (0–1), compared with score_breakdown.relevance: the query–memory similarity, as Mem0 compares its own' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  threshold?: number;

  @ApiPropertyOptional({ description: 'Lexical-only search: only memories sharing words with the query, by BM25 score' })
  @IsOptional()
  @IsBoolean()
  keyword_search?: boolean;

  @ApiPropertyOptional({ description: 'true answers 501: no reranker model is configured' })
  @IsOptional()
  @IsBoolean()
  rerank?: boolean;

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

  @ApiPropertyOptional({ description: "Replaces the memory's metadata (null clears it)", example: { source: 'email' } })
  @IsOptional()
  @ValidateIf((o: Mem0UpdateDto) => o.metadata !== null)
  @IsObject()
  metadata?: Record<string, unknown> | null;

  @ApiPropertyOptional({ description: 'Unix seconds: when it was said (our valid_at)' })
  @IsOptional()
  @SafeTime({ kind: 'event', seconds: true, integer: true, output: 'input' })
  @IsNumber({}, { message: 'timestamp must be Unix seconds (a number), not a date string' })
  timestamp?: number;

  @ApiPropertyOptional({ description: 'Not served after this day (UTC): our invalid_at; null clears it', example: '2026-12-31' })
  @IsOptional()
  @ValidateIf((o: Mem0UpdateDto) => o.expiration_date !== null)
  @SafeTime({ kind: 'bound', output: 'input' })
  expiration_date?: string | null;
}

export class Mem0DeleteDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  delete_linked?: boolean;
}

/** A user's memories (narrowed to an agent / a run), or without `user_id` an agent's / app's / run's own. */
export class Mem0DeleteAllDto extends Mem0Envelope {
  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @SafeId()
  user_id?: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @SafeId()
  agent_id?: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @SafeId()
  app_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @SafeId()
  run_id?: string;
}

/** `updateProject`: the project's custom categories (other project settings answer 501). */
export class Mem0ProjectUpdateDto extends Mem0Envelope {
  @ApiPropertyOptional({ example: [{ food: 'meals, diets, restaurants' }] })
  @IsOptional()
  @ValidateIf((o: Mem0ProjectUpdateDto) => o.custom_categories !== null)
  @IsArray()
  custom_categories?: Array<Record<string, string>> | null;

  @Allow() custom_instructions?: unknown;
  @Allow() agent_custom_instructions?: unknown;
  @Allow() memory_depth?: unknown;
  @Allow() usecase_setting?: unknown;
  @Allow() multilingual?: unknown;
  @Allow() decay?: unknown;
}

export const PROJECT_UNSUPPORTED = ['custom_instructions', 'agent_custom_instructions', 'memory_depth', 'usecase_setting', 'multilingual', 'decay'] as const;

/** `GET /v1/event/{event_id}/`. */
export class Mem0EventParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4')
  id!: string;
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
