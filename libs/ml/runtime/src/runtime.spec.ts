import path from 'node:path';
import { MlInputError, QueueFullError } from '@frontier/ml-ports';
import { BoundedQueue } from './bounded-queue';
import { WorkerPool, type WireError } from './worker-pool';

describe('BoundedQueue', () => {
  it('never runs more than `concurrency` tasks and rejects beyond `capacity`', async () => {
    const q = new BoundedQueue('embedding', 2, 3);
    let live = 0;
    let peak = 0;
    const task = () =>
      q.run(async () => {
        live++;
        peak = Math.max(peak, live);
        await new Promise((r) => setTimeout(r, 10));
        live--;
        return 1;
      });
    const accepted = [task(), task(), task(), task(), task()];
    await expect(task()).rejects.toBeInstanceOf(QueueFullError);
    expect(await Promise.all(accepted)).toEqual([1, 1, 1, 1, 1]);
    expect(peak).toBe(2);
    expect([q.active, q.pending]).toEqual([0, 0]);
  });

  it('releases the slot when a task throws', async () => {
    const q = new BoundedQueue('ocr', 1, 0);
    await expect(q.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run(async () => 'ok')).toBe('ok');
  });
});

describe('WorkerPool (real worker threads)', () => {
  it('keeps a process alive while a request is in flight, and lets it exit when idle', () => {
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const script = `
      const { WorkerPool } = require(${JSON.stringify(path.join(__dirname, 'worker-pool'))});
      const pool = new WorkerPool({ role: 'nsfw', script: ${JSON.stringify(path.join(__dirname, '__fixtures__/echo.worker'))} });
      pool.call({ text: 'late', delayMs: 300 }).then((r) => console.log('answer ' + r));
    `;
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: path.resolve(__dirname, '../../../..'), encoding: 'utf8', timeout: 20_000 });
    expect(out.trim()).toBe('answer LATE');
  });

  const rebuild = (e: WireError) =>
    e.name === 'MlInputError' ? new MlInputError(e.fields?.['code'] as never, String(e.fields?.['field']), e.message.replace(/^[^:]+: /, '')) : new Error(e.message);

  it('runs requests off the main thread, in parallel up to the pool size, and rebuilds typed errors', async () => {
    const pool = new WorkerPool<{ text: string; delayMs?: number }, string>({ role: 'embedding', script: path.join(__dirname, '__fixtures__/echo.worker'), size: 2, capacity: 1 }, rebuild);
    expect(await pool.call({ text: 'hello' })).toBe('HELLO');
    const slow = [pool.call({ text: 'a', delayMs: 200 }), pool.call({ text: 'b', delayMs: 200 }), pool.call({ text: 'c' })];
    await expect(pool.call({ text: 'd' })).rejects.toBeInstanceOf(QueueFullError);
    expect(await Promise.all(slow)).toEqual(['A', 'B', 'C']);
    const err = await pool.call({ text: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlInputError);
    expect((err as MlInputError).field).toBe('text');
    await pool.close();
  });
});
