import { Module } from '@nestjs/common';
import { Mem0ExportStore } from './export-store';
import { Mem0Service } from './mem0.service';

/** The Mem0 compatibility adapter: its service and export store, on top of {@link MemoryModule}. */
@Module({ providers: [Mem0Service, Mem0ExportStore], exports: [Mem0Service] })
export class Mem0Module {}
