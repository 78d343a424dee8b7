import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createRedis, type RedisClient } from '@frontier/platform-redis';
import type { EncodeImageInput } from '@frontier/multimodal-contracts';
import { BlobStore, encoderRedisOptions, prepareImageInput, redisReady, type ImagePartOptions } from './blob-store';
import { IMAGE_ENCODER, type ImageEncoderClient } from './client/image-encoder.client';
import { InlineEncoderClient } from './client/inline.client';
import { TransportEncoderClient } from './client/transport.client';
import { INLINE_MAX_BYTES, type EncodersGatewayConfig, type EncoderServiceConfig } from './config';
import { ImageEncoderService } from './image-encoder.service';
import type { EncoderModels } from './models';

const GATEWAY_CONFIG = Symbol.for('frontier:multimodal:encoders-gateway-config');
const BLOB_REDIS = Symbol.for('frontier:multimodal:encoders-blob-redis');

/**
 * Turns an image part's bytes into an {@link EncodeImageInput} the configured encoders accept:
 * in-process everything is inline; over a transport, bytes up to 64 KB inline and the rest put in
 * the blob store and sent by sha256.
 */
@Injectable()
export class ImageInputs {
  constructor(
    private readonly blobs: BlobStore,
    @Inject(GATEWAY_CONFIG) private readonly config: EncodersGatewayConfig,
  ) {}

  prepare(bytes: Uint8Array, options: ImagePartOptions): Promise<EncodeImageInput> {
    return this.config.mode === 'inline' ? prepareImageInput(null, bytes, options) : prepareImageInput(this.blobs, bytes, options, this.config.inlineMaxBytes ?? INLINE_MAX_BYTES);
  }
}

/** Closes what the module opened: the client (and an inline service), then the blob store's Redis. */
@Injectable()
class EncodersCloser implements OnApplicationShutdown {
  constructor(
    @Inject(IMAGE_ENCODER) private readonly client: ImageEncoderClient,
    @Inject(BLOB_REDIS) private readonly redis: RedisClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

async function blobRedis(url: string, clusterNodes: string | undefined): Promise<RedisClient> {
  const r = createRedis({ url, clusterNodes }, encoderRedisOptions());
  r.on('error', () => undefined); // surfaced on the calls
  await redisReady(r); // a Redis down at boot does not stop the gateway: puts fail (unavailable) until it is back
  return r;
}

@Module({})
export class EncodersModule {
  /**
   * The gateway side: `@Inject(IMAGE_ENCODER) client: ImageEncoderClient`, plus {@link BlobStore}
   * and {@link ImageInputs}. `mode` picks the client: `inline` runs {@link ImageEncoderService} in
   * this process (`config.service` required; `models` may be given, e.g. by tests); `redis` and
   * `nats` talk to encoder-worker.
   */
  static forGateway(config: EncodersGatewayConfig, models?: EncoderModels): DynamicModule {
    if (config.mode === 'inline' && !config.service) throw new Error('EncodersModule.forGateway: mode inline needs config.service (the encoder service config)');
    if (config.mode === 'nats' && !config.natsUrl) throw new Error('EncodersModule.forGateway: mode nats needs config.natsUrl (ENCODER_NATS_URL)');
    return {
      module: EncodersModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: BLOB_REDIS, useFactory: () => blobRedis(config.redisUrl, config.redisClusterNodes) },
        { provide: BlobStore, useFactory: (r: RedisClient) => new BlobStore(r, config.keyPrefix), inject: [BLOB_REDIS] },
        {
          provide: IMAGE_ENCODER,
          inject: [BlobStore],
          useFactory: async (blobs: BlobStore): Promise<ImageEncoderClient> => {
            if (config.mode === 'inline') return new InlineEncoderClient(await ImageEncoderService.create(config.service as EncoderServiceConfig, models));
            const url = config.mode === 'redis' ? (config.transportRedisUrl ?? config.redisUrl) : (config.natsUrl as string);
            return new TransportEncoderClient({ transport: config.mode, url, timeoutMs: config.timeoutMs, channelPrefix: config.channelPrefix, blobs, inlineMaxBytes: config.inlineMaxBytes });
          },
        },
        ImageInputs,
        EncodersCloser,
      ],
      exports: [IMAGE_ENCODER, BlobStore, ImageInputs],
    };
  }

  /** The worker side: provides {@link ImageEncoderService} (models loaded at boot) and its {@link BlobStore}. */
  static forWorker(config: EncoderServiceConfig, models?: EncoderModels): DynamicModule {
    return {
      module: EncodersModule,
      providers: [
        { provide: ImageEncoderService, useFactory: () => ImageEncoderService.create(config, models) },
        { provide: BlobStore, useFactory: (s: ImageEncoderService) => s.blobs, inject: [ImageEncoderService] },
      ],
      exports: [ImageEncoderService, BlobStore],
    };
  }
}
