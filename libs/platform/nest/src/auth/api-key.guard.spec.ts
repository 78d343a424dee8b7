import { credential } from './api-key.guard';

describe('API key guard credential parsing', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as Parameters<typeof credential>[0];

  it('reads "Bearer", Mem0\'s "Token" scheme and x-api-key', () => {
    expect(credential(req({ authorization: 'Bearer fk_a_b' }))).toBe('fk_a_b');
    expect(credential(req({ authorization: 'Token fk_a_b ' }))).toBe('fk_a_b');
    expect(credential(req({ 'x-api-key': ' fk_a_b' }))).toBe('fk_a_b');
  });

  it('accepts no other scheme', () => {
    expect(credential(req({ authorization: 'Basic Zm9vOmJhcg==' }))).toBeUndefined();
    expect(credential(req({ authorization: 'token fk_a_b' }))).toBeUndefined();
    expect(credential(req({}))).toBeUndefined();
  });
});
