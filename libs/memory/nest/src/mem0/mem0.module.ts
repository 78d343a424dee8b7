import { Module } from '@nestjs/common';
import { Mem0Service } from './mem0.service';

/** The Mem0 compatibility adapter: its service, on top of {@link MemoryModule} (which provides the export store: erasures purge it). */
@Module({ providers: [Mem0Service], exports: [Mem0Service] })
export class Mem0Module {}
