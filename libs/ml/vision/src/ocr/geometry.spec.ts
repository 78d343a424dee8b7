import { convexHull, minAreaRect, orderQuad, rectCorners } from './geometry';
import { detInputSize, readingOrder } from './detect';
import { ctcDictionary, ctcGreedy } from './recognize';
import { homography, padQuad } from './crop';

describe('OCR geometry and decoding helpers', () => {
  it('finds the minimum-area rectangle of a rotated rectangle', () => {
    const r = { cx: 50, cy: 40, w: 60, h: 10, angle: Math.PI / 6 };
    const pts = rectCorners(r).concat([[50, 40]]);
    const got = minAreaRect(pts);
    expect(got.w * got.h).toBeCloseTo(600, 6);
    expect([got.cx, got.cy]).toEqual([expect.closeTo(50, 6), expect.closeTo(40, 6)]);
    expect(convexHull(pts)).toHaveLength(4);
  });

  it('orders quad corners clockwise from the top-left', () => {
    expect(orderQuad([[10, 20], [0, 0], [10, 0], [0, 20]])).toEqual([[0, 0], [10, 0], [10, 20], [0, 20]]);
  });

  it('sizes detector input in multiples of 32 within the limits', () => {
    expect(detInputSize(1024, 1024, 960)).toEqual({ width: 960, height: 960 });
    expect(detInputSize(400, 44, 960, 64)).toEqual({ width: 576, height: 64 });
    expect(detInputSize(10, 10, 960)).toEqual({ width: 32, height: 32 });
  });

  it('orders boxes by rows, then left to right', () => {
    const box = (x: number, y: number) => ({ quad: [[x, y], [x + 5, y], [x + 5, y + 5], [x, y + 5]] as Array<[number, number]> });
    expect(readingOrder([box(50, 3), box(0, 40), box(0, 0)]).map((b) => b.quad[0])).toEqual([[0, 0], [50, 3], [0, 40]]);
  });

  it('maps a rectangle onto a quad with a homography and pads quads outward', () => {
    const H = homography([[0, 0], [1, 0], [1, 1], [0, 1]], [[10, 10], [30, 10], [30, 20], [10, 20]])!;
    const [x, y] = [0.5, 0.5];
    const d = H[6]! * x + H[7]! * y + H[8]!;
    expect([(H[0]! * x + H[1]! * y + H[2]!) / d, (H[3]! * x + H[4]! * y + H[5]!) / d]).toEqual([expect.closeTo(20, 9), expect.closeTo(15, 9)]);
    expect(padQuad([[10, 10], [30, 10], [30, 20], [10, 20]], 0.5)).toEqual([[5, 5], [35, 5], [35, 25], [5, 25]]);
  });

  it('greedy CTC collapses repeats and drops blanks; the dictionary gains the space class', () => {
    const dict = ctcDictionary('a\nb', 4);
    expect(dict).toEqual(['', 'a', 'b', ' ']);
    // steps: a a blank a b space b
    const ids = [1, 1, 0, 1, 2, 3, 2];
    const probs = new Float32Array(ids.length * 4);
    ids.forEach((c, t) => (probs[t * 4 + c] = 0.9));
    expect(ctcGreedy(probs, 1, ids.length, 4, dict)).toEqual([{ text: 'aab b', score: expect.closeTo(0.9, 6) }]);
  });
});
