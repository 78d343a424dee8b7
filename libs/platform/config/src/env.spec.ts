import { IsInt, Min } from 'class-validator';
import { EnvValidationError, HttpEnv, loadEnv } from './env';

class WorkerEnv extends HttpEnv {
  @IsInt()
  @Min(1)
  WORKER_CONCURRENCY: number = 4;
}

describe('loadEnv', () => {
  it('returns typed values with defaults and conversions', () => {
    const env = loadEnv(WorkerEnv, { PORT: '8080', WORKER_CONCURRENCY: '16' });
    expect(env.PORT).toBe(8080);
    expect(env.WORKER_CONCURRENCY).toBe(16);
    expect(env.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/frontier');
  });

  it('fails fast naming each bad variable and the rule it broke', () => {
    let error: unknown;
    try {
      loadEnv(WorkerEnv, { PORT: '70000', DATABASE_URL: 'mysql://root:hunter2@db/x', WORKER_CONCURRENCY: '0' }, 'memory-worker');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvValidationError);
    const err = error as EnvValidationError;
    expect(err.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'PORT', 'WORKER_CONCURRENCY']);
    expect(err.message).toContain('memory-worker: invalid environment');
    expect(err.message).toContain('PORT="70000": PORT must not be greater than 65535 [max]');
    expect(err.message).toContain('WORKER_CONCURRENCY="0": WORKER_CONCURRENCY must not be less than 1 [min]');
    expect(err.message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL [matches]');
    // credentials in URLs never reach the logs
    expect(err.message).not.toContain('hunter2');
  });

  it('rejects a non-number where a number is required', () => {
    expect(() => loadEnv(HttpEnv, { PORT: 'eighty' })).toThrow(/PORT="eighty": .*PORT must be an integer number \[isInt\]/);
  });

  it('masks values of secret-looking variables', () => {
    class SecretEnv extends HttpEnv {
      @Min(32, { message: 'ADMIN_TOKEN must be at least 32 characters' })
      ADMIN_TOKEN_LENGTH: number = 0;
    }
    expect(() => loadEnv(SecretEnv, {})).toThrow(/ADMIN_TOKEN_LENGTH="\*\*\*"/);
  });
});

describe('operations variables', () => {
  it('defaults: pools and timeouts bounded, metrics and docs open, generous rate limits', () => {
    const env = loadEnv(HttpEnv, {});
    expect(env).toMatchObject({
      DATABASE_POOL_SIZE: 10,
      DATABASE_CONNECT_TIMEOUT_MS: 2_000,
      REDIS_COMMAND_TIMEOUT_MS: 1_000,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      METRICS_ENABLED: true,
      DOCS_ENABLED: true,
      RATE_LIMIT_PER_KEY: 600,
      RATE_LIMIT_PER_IP: 600,
    });
    expect(env.METRICS_TOKEN).toBeUndefined();
  });

  it('reads booleans as words (false stays false) and refuses anything else', () => {
    const env = loadEnv(HttpEnv, { METRICS_ENABLED: 'false', DOCS_ENABLED: '0', RATE_LIMIT_PER_KEY: '0', METRICS_TOKEN: 'm'.repeat(16) });
    expect(env).toMatchObject({ METRICS_ENABLED: false, DOCS_ENABLED: false, RATE_LIMIT_PER_KEY: 0, METRICS_TOKEN: 'm'.repeat(16) });
    expect(() => loadEnv(HttpEnv, { DOCS_ENABLED: 'maybe' })).toThrow(/DOCS_ENABLED="maybe": DOCS_ENABLED must be true or false/);
    expect(() => loadEnv(HttpEnv, { METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN="\*\*\*": METRICS_TOKEN must be at least 16 characters/);
  });
});
