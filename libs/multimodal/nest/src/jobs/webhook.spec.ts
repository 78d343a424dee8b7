import { signWebhook, verifyWebhook, webhookProblem } from './webhook';

describe('job webhooks: signed bodies and allowed URLs', () => {
  it('a signature verifies with the secret and the exact body, within the time tolerance', () => {
    const sig = signWebhook('s3cret', '{"id":"job_1"}', 1_000);
    expect(sig).toMatch(/^t=1000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook('s3cret', '{"id":"job_1"}', sig, 300, 1_100)).toBe(true);
    expect(verifyWebhook('other', '{"id":"job_1"}', sig, 300, 1_100)).toBe(false);
    expect(verifyWebhook('s3cret', '{"id":"job_2"}', sig, 300, 1_100)).toBe(false);
    expect(verifyWebhook('s3cret', '{"id":"job_1"}', sig, 300, 2_000)).toBe(false);
    expect(verifyWebhook('s3cret', '{"id":"job_1"}', 'garbage', 300, 1_000)).toBe(false);
  });

  it('refuses URLs off the allow-list, with credentials, of other schemes, or with no secret', () => {
    expect(webhookProblem('https://hooks.example.com/x', ['hooks.example.com'], true)).toBeNull();
    expect(webhookProblem('https://evil.example.com/x', ['hooks.example.com'], true)).toMatch(/not allowed/);
    expect(webhookProblem('https://u:p@hooks.example.com/x', ['hooks.example.com'], true)).toMatch(/credentials/);
    expect(webhookProblem('file:///etc/passwd', ['hooks.example.com'], true)).toMatch(/http/);
    expect(webhookProblem('not a url', ['hooks.example.com'], true)).toMatch(/absolute/);
    expect(webhookProblem('https://hooks.example.com/x', ['hooks.example.com'], false)).toMatch(/secret/);
  });
});
