import { Module } from '@nestjs/common';
import { MultimodalItemRepository } from '@frontier/multimodal-data-access';
import { PrismaService } from '@frontier/platform-prisma';
import { MultimodalService } from './multimodal.service';

/**
 * Multimodal wired for chat-gateway and multimodal-worker: the repository on the platform's Prisma client and
 * the services. Needs `PlatformModule` (Prisma, JobQueue) in the app.
 */
@Module({
  providers: [{ provide: MultimodalItemRepository, inject: [PrismaService], useFactory: (prisma: PrismaService) => new MultimodalItemRepository(prisma) }, MultimodalService],
  exports: [MultimodalService],
})
export class MultimodalModule {}
