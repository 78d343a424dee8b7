import { detectCtrSpike, SessionVelocityDetector, trendingBoost } from './trending';

describe('trending and anomaly', () => {
  it('boosts items whose last-hour CTR rises above their baseline, capped, with an impressions guard', () => {
    const base = { clicks: 200, impressions: 10_000 };
    expect(trendingBoost({ clicks: 2, impressions: 100 }, base)).toBe(0);
    expect(trendingBoost({ clicks: 6, impressions: 100 }, base)).toBeGreaterThan(0);
    expect(trendingBoost({ clicks: 60, impressions: 100 }, base)).toBe(1);
    expect(trendingBoost({ clicks: 5, impressions: 10 }, base)).toBe(0);
  });

  it('flags a 1-hour CTR above 5x the 7-day CTR only with enough impressions', () => {
    const week = { clicks: 200, impressions: 10_000 }; // 2%
    expect(detectCtrSpike({ clicks: 25, impressions: 200 }, week).flagged).toBe(true); // 12.5%
    expect(detectCtrSpike({ clicks: 15, impressions: 200 }, week).flagged).toBe(false); // 7.5%
    expect(detectCtrSpike({ clicks: 10, impressions: 20 }, week).flagged).toBe(false); // guard
    // a brand-new item: 0/0 over 7 days is smoothed to the prior, not 0
    expect(detectCtrSpike({ clicks: 30, impressions: 250 }, { clicks: 0, impressions: 0 }).ctr7d).toBeCloseTo(0.02, 12);
  });

  it('session velocity: humans pass, scripted clicking is flagged and stays flagged', () => {
    const d = new SessionVelocityDetector();
    let t = 0;
    for (let k = 0; k < 40; k++) {
      t += 4000;
      expect(d.observe('human', t, k % 4 === 0 ? 'click' : 'impression').bot).toBe(false);
    }
    let v = { bot: false, reasons: [] as readonly string[] };
    for (let k = 0; k < 10; k++) v = d.observe('bot', 1000 + k * 50, 'click');
    expect(v.bot).toBe(true);
    expect(v.reasons.join()).toMatch(/clicks under 150 ms/);
    expect(d.observe('bot', 999_999, 'impression').bot).toBe(true);
    const flood = new SessionVelocityDetector({ maxClicksPerWindow: 30, minClickGapMs: 0 });
    let f = { bot: false, reasons: [] as readonly string[] };
    for (let k = 0; k < 31; k++) f = flood.observe('s', k * 1000, 'click');
    expect(f.reasons.join()).toMatch(/more than 30 clicks/);
    d.forget('bot');
    expect(d.trackedSessions).toBe(1);
  });
});
