import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ModelRegistry, type ModelsConfig } from '@frontier/ml-registry';
import { AudioTranscriber, EncodersModule, IMAGE_ENCODER, ImageInputs, type EncodersGatewayConfig, type ImageEncoderClient } from '@frontier/multimodal-encoders';
import { AUDIO_PORT, createAudioPort } from './audio';
import { createEncoderPort } from './encoder';
import { ENCODER_PORT } from './ports';

export interface MediaPipelineConfig {
  encoders: EncodersGatewayConfig;
  /**
   * Audio for profiles without native audio: transcribed (ffmpeg → VAD → ASR, models from the ML
   * registry's ML_VAD / ML_ASR) and sent as timestamped text. Off: clips pass through as they are.
   */
  audio?: { transcribe: boolean; models: ModelsConfig };
}

/**
 * The media paths the gateway and multimodal-worker share: the image path (ENCODER_PORT: resize,
 * OCR, NSFW — inline or on encoder-worker) and the audio path (AUDIO_PORT: ffmpeg → Silero VAD → ASR,
 * loaded on first use; null when transcription is off).
 */
/** The ML registry holding the audio path's VAD and ASR (null when transcription is off). */
export const SPEECH_MODELS = Symbol('SPEECH_MODELS');

/** Releases the speech models (the Silero session, a Whisper pipeline) when the app closes. */
@Injectable()
class SpeechModelsCloser implements OnApplicationShutdown {
  constructor(@Inject(SPEECH_MODELS) private readonly registry: ModelRegistry | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.registry?.close().catch(() => undefined);
  }
}

@Module({})
export class MediaPipelineModule {
  static register(config: MediaPipelineConfig): DynamicModule {
    return {
      module: MediaPipelineModule,
      imports: [EncodersModule.forGateway(config.encoders)],
      providers: [
        {
          provide: ENCODER_PORT,
          inject: [IMAGE_ENCODER, ImageInputs],
          useFactory: (client: ImageEncoderClient, inputs: ImageInputs) => createEncoderPort(client, inputs, config.encoders.timeoutMs),
        },
        { provide: SPEECH_MODELS, useFactory: () => (config.audio?.transcribe ? new ModelRegistry(config.audio.models) : null) },
        {
          provide: AUDIO_PORT,
          inject: [SPEECH_MODELS],
          useFactory: (registry: ModelRegistry | null) => (registry ? createAudioPort(async () => new AudioTranscriber(await registry.get('vad'), await registry.get('asr'))) : null),
        },
        SpeechModelsCloser,
      ],
      exports: [ENCODER_PORT, AUDIO_PORT, SPEECH_MODELS],
    };
  }
}
