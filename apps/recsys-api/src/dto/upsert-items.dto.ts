import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNumber, IsObject, IsOptional, ValidateBy, ValidateNested } from 'class-validator';
import { BodyLimit, SafeId, SafeString } from '@frontier/platform-nest';
import type { ItemInput, UpsertItemsResult } from '@frontier/recsys-nest';

/** Items per PUT /v1/items; characters of an item's text; bytes of its metadata as JSON; embedding dimensions. */
export const ITEMS_MAX = 1_000;
export const ITEM_TEXT_MAX = 10_000;
export const METADATA_MAX_BYTES = 8_192;
export const EMBEDDING_MAX_DIM = 4_096;
const MiB = 1024 * 1024;

export class ItemDto {
  @ApiProperty({ example: 'video-9', maxLength: 128 })
  @SafeId()
  id!: string;

  @ApiProperty({ example: 'creator-3', maxLength: 128 })
  @SafeId()
  creator!: string;

  @ApiProperty({ example: 'music', maxLength: 128 })
  @SafeId()
  category!: string;

  @ApiPropertyOptional({ example: 'Live at the Roundhouse', maxLength: ITEM_TEXT_MAX, description: 'Title/description: what the content embedding is computed from when none is sent' })
  @IsOptional()
  @SafeString({ max: ITEM_TEXT_MAX, min: 0 })
  text?: string;

  @ApiPropertyOptional({ example: { lang: 'en' }, description: `Any JSON object, at most ${METADATA_MAX_BYTES} bytes` })
  @IsOptional()
  @IsObject()
  @ValidateBy({
    name: 'metadataSize',
    validator: { validate: (v: unknown) => JSON.stringify(v ?? {}).length <= METADATA_MAX_BYTES, defaultMessage: () => `metadata must be at most ${METADATA_MAX_BYTES} bytes as JSON` },
  })
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [Number], maxItems: EMBEDDING_MAX_DIM, description: "A content embedding (all of a tenant's have one dimension); computed from `text` through the embedding model when absent" })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EMBEDDING_MAX_DIM)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  embedding?: number[];
}

/** 1,000 items with 10,000-character texts, 8 KiB of metadata and a 4,096-d embedding each stay under 96 MiB; the usual batch is far smaller. */
@BodyLimit(96 * MiB)
export class UpsertItemsDto {
  @ApiProperty({ type: [ItemDto], minItems: 1, maxItems: ITEMS_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ITEMS_MAX)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
}

export const toItemInputs = (dto: UpsertItemsDto): ItemInput[] =>
  dto.items.map((i) => ({
    id: i.id,
    creator: i.creator,
    category: i.category,
    ...(i.text === undefined ? {} : { text: i.text }),
    ...(i.metadata === undefined ? {} : { metadata: i.metadata }),
    ...(i.embedding === undefined ? {} : { embedding: i.embedding }),
  }));

export const presentUpsert = (r: UpsertItemsResult) => ({
  created: r.created,
  updated: r.updated,
  items: r.items.map((i) => ({ id: i.id, created: i.created, created_at: i.createdAt, embedding: i.embedding })),
});
