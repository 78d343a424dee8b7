import type { Provider } from '@nestjs/common';
import { JobsRepository } from '@frontier/multimodal-data-access';
import { PrismaService } from '@frontier/platform-prisma';
import { VIDEO_JOBS_CONFIG, VideoJobsService, type VideoJobsConfig } from './video-jobs.service';

/** VideoJobsService and its repository (the app provides ENCODER_PORT / AUDIO_PORT through MediaPipelineModule, and the platform's JobQueue). */
export function videoJobsProviders(config: VideoJobsConfig): Provider[] {
  return [
    { provide: VIDEO_JOBS_CONFIG, useValue: config },
    { provide: JobsRepository, inject: [PrismaService], useFactory: (prisma: PrismaService) => new JobsRepository(prisma) },
    VideoJobsService,
  ];
}
