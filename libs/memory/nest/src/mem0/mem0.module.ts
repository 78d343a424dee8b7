import { Module } from '@nestjs/common';
import { Mem0SearchService } from './mem0-search.service';
import { Mem0Service } from './mem0.service';

/** The Mem0 compatibility adapter: its service, on top of {@link MemoryModule} (which provides the export store: erasures purge it). */
@Module({ providers: [Mem0Service, Mem0SearchService], exports: [Mem0Service, Mem0SearchService] })
export class Mem0Module {}
