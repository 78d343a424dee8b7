// Fixture: a domain library that imports framework and driver packages. Must fail lint.
import { Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { PrismaClient } from '@prisma/client';
import { IsString } from 'class-validator';
import { InferenceSession } from 'onnxruntime-node';
import { QdrantClient } from '@qdrant/js-client-rest';

export const all = [Injectable, Redis, Queue, PrismaClient, IsString, InferenceSession, QdrantClient];
