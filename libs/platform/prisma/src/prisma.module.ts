import { Global, Module, type DynamicModule } from '@nestjs/common';
import { PrismaOptions, PrismaService } from './prisma.service';

@Global()
@Module({})
export class PrismaModule {
  static forRoot(options: { databaseUrl: string; poolSize?: number; connectTimeoutMs?: number }): DynamicModule {
    return {
      module: PrismaModule,
      providers: [{ provide: PrismaOptions, useValue: options }, PrismaService],
      exports: [PrismaService],
    };
  }
}
