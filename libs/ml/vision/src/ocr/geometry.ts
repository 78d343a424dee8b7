/** Plane geometry for DB post-processing: convex hull, minimum-area rectangle, quad ordering. */

export type Point = [number, number];

export interface RotatedRect {
  cx: number;
  cy: number;
  /** Side along `angle`. */
  w: number;
  /** Side perpendicular to `angle`. */
  h: number;
  /** Radians. */
  angle: number;
}

const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Andrew's monotone chain; returns the hull counter-clockwise (y up) without repeating the first point. */
export function convexHull(points: readonly Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length <= 2) return pts;
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * Minimum-area enclosing rectangle (as OpenCV's minAreaRect): one side of the optimum lies on a
 * hull edge, so try each edge direction.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { cx: 0, cy: 0, w: 0, h: 0, angle: 0 };
  if (hull.length === 1) return { cx: hull[0][0], cy: hull[0][1], w: 0, h: 0, angle: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i];
    const b = hull[(i + 1) % hull.length];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len === 0) continue;
    const ux = (b[0] - a[0]) / len;
    const uy = (b[1] - a[1]) / len;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const u = p[0] * ux + p[1] * uy;
      const v = -p[0] * uy + p[1] * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, w: maxU - minU, h: maxV - minV, angle: Math.atan2(uy, ux) };
    }
  }
  return best ?? { cx: hull[0][0], cy: hull[0][1], w: 0, h: 0, angle: 0 };
}

/** The 4 corners of a rotated rectangle. */
export function rectCorners(r: RotatedRect): Point[] {
  const c = Math.cos(r.angle);
  const s = Math.sin(r.angle);
  const hw = r.w / 2;
  const hh = r.h / 2;
  return [
    [-hw, -hh],
    [hw, -hh],
    [hw, hh],
    [-hw, hh],
  ].map(([u, v]) => [r.cx + u! * c - v! * s, r.cy + u! * s + v! * c] as Point);
}

/**
 * Orders 4 corners clockwise in image coordinates (y down) starting at the top-left, like
 * PaddleOCR's get_mini_boxes: the two left-most points give top-left/bottom-left by y, the two
 * right-most give top-right/bottom-right.
 */
export function orderQuad(pts: readonly Point[]): [Point, Point, Point, Point] {
  const byX = [...pts].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const [l1, l2, r1, r2] = byX as [Point, Point, Point, Point];
  const [tl, bl] = l1[1] <= l2[1] ? [l1, l2] : [l2, l1];
  const [tr, br] = r1[1] <= r2[1] ? [r1, r2] : [r2, r1];
  return [tl, tr, br, bl];
}

/**
 * Grows a rectangle as pyclipper's round-join offset by `distance` does to its min-area rect:
 * every side moves out by `distance`.
 */
export function expandRect(r: RotatedRect, distance: number): RotatedRect {
  return { ...r, w: r.w + 2 * distance, h: r.h + 2 * distance };
}

/** Mean of `map` (width `mw`, height `mh`) over the pixels inside the convex quad (scan-line fill). */
export function meanInsideQuad(map: Float32Array, mw: number, mh: number, quad: readonly Point[]): number {
  const ys = quad.map((p) => p[1]);
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(mh - 1, Math.ceil(Math.max(...ys)));
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    let xl = Infinity;
    let xr = -Infinity;
    for (let i = 0; i < quad.length; i++) {
      const a = quad[i];
      const b = quad[(i + 1) % quad.length];
      if ((a[1] <= y && b[1] >= y) || (b[1] <= y && a[1] >= y)) {
        if (a[1] === b[1]) {
          xl = Math.min(xl, a[0], b[0]);
          xr = Math.max(xr, a[0], b[0]);
        } else {
          const x = a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]);
          xl = Math.min(xl, x);
          xr = Math.max(xr, x);
        }
      }
    }
    if (xl > xr) continue;
    const from = Math.max(0, Math.round(xl));
    const to = Math.min(mw - 1, Math.round(xr));
    for (let x = from; x <= to; x++) {
      sum += map[y * mw + x];
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}
