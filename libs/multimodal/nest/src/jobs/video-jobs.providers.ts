import type { Provider } from '@nestjs/common';
import { JobsRepository, KeySafetyRepository } from '@frontier/multimodal-data-access';
import { PrismaService } from '@frontier/platform-prisma';
import { VIDEO_JOBS_CONFIG, VideoJobsService, type VideoJobsConfig } from './video-jobs.service';

/** VideoJobsService and its repositories (jobs; per-key safety thresholds) (the app provides ENCODER_PORT / AUDIO_PORT through MediaPipelineModule, and the platform's JobQueue). */
export function videoJobsProviders(config: VideoJobsConfig): Provider[] {
  return [
    { provide: VIDEO_JOBS_CONFIG, useValue: config },
    { provide: JobsRepository, inject: [PrismaService], useFactory: (prisma: PrismaService) => new JobsRepository(prisma) },
    { provide: KeySafetyRepository, inject: [PrismaService], useFactory: (prisma: PrismaService) => new KeySafetyRepository(prisma) },
    VideoJobsService,
  ];
}
