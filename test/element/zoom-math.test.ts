import { describe, expect, it } from 'vitest';
import { clampPan, FITTED, MAX_SCALE, panBy, toggleAt, zoomAt } from '../../src/element/zoom-math.ts';

// A portrait image fitted into a landscape viewport: 600x800 in 1200x800.
const box = { fitWidth: 600, fitHeight: 800, viewWidth: 1200, viewHeight: 800 };

describe('zoom geometry', () => {
  it('keeps the point under the cursor in place while zooming', () => {
    const point = { x: 100, y: -200 };
    // A viewport the image fills, so no clamping gets in the way.
    const z = zoomAt(FITTED, 2, point, { fitWidth: 600, fitHeight: 800, viewWidth: 600, viewHeight: 800 });
    expect(z.scale).toBe(2);
    // Image point under the cursor before: (point - shift) / scale; after, the same.
    expect((point.x - z.x) / z.scale).toBeCloseTo(point.x / 1);
    expect((point.y - z.y) / z.scale).toBeCloseTo(point.y / 1);
  });

  it('bounds the scale to 1..4 and returns to the centre at 1', () => {
    expect(zoomAt(FITTED, 10, { x: 0, y: 0 }, box).scale).toBe(MAX_SCALE);
    expect(zoomAt({ scale: 2, x: 100, y: 100 }, 0.2, { x: 50, y: 50 }, box)).toEqual({ scale: 1, x: 0, y: 0 });
  });

  it('does not pan past the image edges, nor at all along an axis the image does not fill', () => {
    const z = { scale: 2, x: 0, y: 0 };
    // 1200x1600 scaled: fills 1200 wide exactly (no horizontal room), 800 extra vertically.
    expect(panBy(z, 500, 1000, box)).toEqual({ scale: 2, x: 0, y: 400 });
    expect(panBy(z, -500, -1000, box)).toEqual({ scale: 2, x: 0, y: -400 });
    expect(clampPan({ scale: 3, x: 999, y: 0 }, box).x).toBe(300);
  });

  it('a tap toggles between fitted and 2x', () => {
    const zoomed = toggleAt(FITTED, { x: 0, y: 100 }, box);
    expect(zoomed.scale).toBe(2);
    expect(zoomed.y).toBe(-100);
    expect(toggleAt(zoomed, { x: 0, y: 0 }, box)).toEqual(FITTED);
  });
});
