import fc from 'fast-check';
import { hasScopes, hashSecret, mintApiKey, parseApiKey, sameDigest } from './api-keys';

describe('API keys', () => {
  it('mints keys that parse back to their prefix and hash to the stored digest', () => {
    for (let i = 0; i < 50; i++) {
      const k = mintApiKey();
      const parsed = parseApiKey(k.plaintext);
      expect(parsed?.prefix).toBe(k.prefix);
      expect(sameDigest(hashSecret(parsed?.secret ?? ''), k.secretHash)).toBe(true);
      expect(k.plaintext).not.toContain(k.secretHash);
    }
  });

  it('rejects anything that is not a well-formed key', () => {
    fc.assert(fc.property(fc.string(), (s) => parseApiKey(s) === null || /^fk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/.test(s)));
    expect(parseApiKey('fk_abc_def')).toBeNull();
    // base64url secrets may contain '_' (and start with it): the prefix is fixed-length, not split on '_'
    const secret = '_a_' + 'b'.repeat(40);
    expect(parseApiKey(`fk_0123456789ab_${secret}`)).toEqual({ prefix: '0123456789ab', secret });
    expect(sameDigest('00', '0000')).toBe(false);
  });

  it('scopes: exact, wildcard and namespace wildcard', () => {
    expect(hasScopes(['memory:read'], ['memory:read'])).toBe(true);
    expect(hasScopes(['memory:read'], ['memory:write'])).toBe(false);
    expect(hasScopes(['memory:*'], ['memory:write', 'memory:read'])).toBe(true);
    expect(hasScopes(['memory:*'], ['recsys:read'])).toBe(false);
    expect(hasScopes(['*'], ['anything:at-all'])).toBe(true);
    expect(hasScopes([], [])).toBe(true);
  });
});
