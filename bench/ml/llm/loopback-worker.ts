/**
 * Worker-thread entry for bench/ml/llm-client.ts: starts ml-llm's loopback vLLM-format server on
 * its own thread and posts its base URL back. A file (not eval'd code) so that @swc-node/register
 * compiles it and maps `@frontier/ml-llm` to the library's public entry.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startLoopbackLlmServer } from '@frontier/ml-llm';

const { model, replyTokens } = workerData as { model: string; replyTokens: number };
void startLoopbackLlmServer({ model, replyTokens }).then((s) => parentPort?.postMessage(s.baseUrl));
