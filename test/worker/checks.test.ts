import { describe, expect, it } from 'vitest';
import { analysisSize, checkPhoto, CHECK_LIMITS, edgeSharpness, exposureStats, toGrey, type Pixels } from '../../src/worker/checks.ts';
import { flat, gaussianBlur, scene } from './synthetic.ts';

const portrait = { width: 1200, height: 1600 };
const codes = (pixels: Pixels, original = portrait, expectPortrait = true) =>
  checkPhoto(pixels, { original, expectPortrait }).map((c) => c.code);
const sharpness = (p: Pixels) => edgeSharpness(toGrey(p), p.width, p.height);

describe('checkPhoto on synthetic photos', () => {
  const good = scene(480, 640);

  it('passes a sharp, well lit portrait photo of a figure on a plain wall', () => {
    expect(codes(good)).toEqual([]);
  });

  it('too small: the original short edge under 512 px, whatever the analysed copy', () => {
    const found = checkPhoto(good, { original: { width: 480, height: 640 }, expectPortrait: true });
    expect(found).toEqual([{ code: 'too_small', value: 480, threshold: 512 }]);
    expect(codes(good, { width: 512, height: 700 })).toEqual([]);
  });

  it('too dark: a dim room (a quarter of the light)', () => {
    expect(codes(scene(480, 640, { light: 0.25 }))).toEqual(['too_dark']);
    expect(codes(flat(200, 300, 5))).toEqual(['too_dark']);
  });

  it('too bright: a blown-out exposure, but not a well exposed light one', () => {
    expect(codes(scene(480, 640, { lift: 70 }))).toEqual(['too_bright']);
    expect(codes(scene(480, 640, { lift: 30 }))).toEqual([]);
  });

  it('blurry: the same scene out of focus (σ = 1.5 and 3 px) but not slightly soft (σ = 0.7)', () => {
    expect(codes(gaussianBlur(good, 1.5))).toEqual(['blurry']);
    expect(codes(gaussianBlur(good, 3))).toEqual(['blurry']);
    expect(codes(gaussianBlur(good, 0.7))).toEqual([]);
  });

  it('landscape where a portrait is expected, and not when the category does not need one', () => {
    const wide = scene(640, 480);
    expect(codes(wide, { width: 1600, height: 1200 })).toEqual(['landscape']);
    expect(codes(wide, { width: 1600, height: 1200 }, false)).toEqual([]);
    // Square-ish photos are fine: the ratio must exceed 1.1.
    expect(codes(scene(500, 480), { width: 1050, height: 1000 })).toEqual([]);
  });

  it('reports several problems at once, most important first', () => {
    const bad = gaussianBlur(scene(320, 240, { light: 0.3 }), 2);
    expect(codes(bad, { width: 320, height: 240 })).toEqual(['too_small', 'too_dark', 'blurry', 'landscape']);
  });

  it('a featureless image is not called blurry (nothing to judge), only its exposure is', () => {
    expect(codes(flat(300, 400, 128))).toEqual([]);
  });
});

describe('measurements behind CHECK_LIMITS.blurVariance', () => {
  // The figures documented in checks.ts; if the measure changes, these show by how much.
  const sizes: [number, number][] = [
    [480, 640],
    [360, 640],
  ];
  for (const [w, h] of sizes) {
    for (const noise of [0, 3, 8]) {
      it(`${w}x${h}, noise ${noise}: sharp and σ ≤ 1 above the limit, σ ≥ 1.5 below it`, () => {
        const base = scene(w, h, { noise });
        const measured = Object.fromEntries(
          [0, 0.7, 1, 1.5, 2, 3].map((sigma) => [sigma, sharpness(sigma ? gaussianBlur(base, sigma) : base).variance]),
        );
        expect(measured[0]).toBeGreaterThan(3000);
        expect(measured[0.7]).toBeGreaterThan(1500);
        expect(measured[1]).toBeGreaterThan(CHECK_LIMITS.blurVariance * 2);
        expect(measured[1.5]).toBeLessThan(CHECK_LIMITS.blurVariance * 0.7);
        expect(measured[2]).toBeLessThan(measured[1.5]!);
        expect(measured[3]).toBeLessThan(measured[2]!);
      });
    }
  }
});

describe('helpers', () => {
  it('exposureStats counts crushed and blown-out pixels', () => {
    const p = flat(10, 10, 255);
    p.data.fill(0, 0, 200); // first 50 pixels black (alpha too, which luma ignores)
    const stats = exposureStats(toGrey(p));
    expect(stats.darkShare).toBeCloseTo(0.5);
    expect(stats.brightShare).toBeCloseTo(0.5);
    expect(stats.mean).toBeCloseTo(127.5, 0);
  });

  it('analysisSize brings the long edge to 640 and never upscales', () => {
    expect(analysisSize({ width: 1152, height: 1536 })).toEqual({ width: 480, height: 640 });
    expect(analysisSize({ width: 300, height: 200 })).toEqual({ width: 300, height: 200 });
  });
});
