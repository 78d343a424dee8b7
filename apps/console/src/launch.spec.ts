import { launchChromium } from './testing/browser';

describe('the browser tests need Debian Chromium', () => {
  it('fail (never skip) without it, saying how to install it', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(/Chromium not found at \/nonexistent\/chromium: install Debian's chromium package/);
  });
});
