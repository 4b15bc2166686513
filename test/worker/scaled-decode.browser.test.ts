import { expect } from 'chai';
import { areaDownscale, compare, pixelsOf } from '../../bench/photo/quality.ts';
import { drawScene } from '../../bench/photo/scene.ts';
import { disposePhotoWorker, processPhoto } from '../../src/worker/index.ts';
import { jpegOrientation, orientedSize, type Orientation } from '../../src/worker/orientation.ts';
import { targetSize } from '../../src/worker/pipeline.ts';
import { decodeAtScale } from '../../src/worker/scaled-decode.ts';
import { engineGap } from '../browser-engine.ts';
import { bytesOf, colourDistance, encode, exifSegment, quadrantPixels, spliceAfterSoi, type Rgb } from './images.ts';

/** Chromium's frames keep the stored pixels and say how to turn them; Gecko's come upright (scaled-decode.ts). */
const framesCarryRotation = typeof VideoFrame === 'function' && 'rotation' in VideoFrame.prototype;

/** Average colours near the four corners (15% in), read from any bitmap. */
function corners(bitmap: ImageBitmap): Rgb[] {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  const at = (fx: number, fy: number): Rgb => {
    const { data } = context.getImageData(Math.round(bitmap.width * fx) - 3, Math.round(bitmap.height * fy) - 3, 7, 7);
    const sum: Rgb = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
    return sum.map((v) => Math.round(v / (data.length / 4))) as Rgb;
  };
  return [at(0.15, 0.15), at(0.85, 0.15), at(0.85, 0.85), at(0.15, 0.85)];
}

async function jpegWithOrientation(stored: Blob, orientation: number): Promise<Blob> {
  return new Blob([spliceAfterSoi(await bytesOf(stored), exifSegment(orientation))], { type: 'image/jpeg' });
}

describe('scaled JPEG decode (ImageDecoder at reduced scale)', function () {
  this.timeout(60_000);
  let stored: Blob;

  before(async () => {
    stored = await encode(quadrantPixels(4000, 3000), 'image/jpeg', 0.92);
  });
  after(() => disposePhotoWorker());

  it('decodes a 4000x3000 JPEG at reduced scale and turns it upright, for every EXIF orientation 1-8', async function () {
    await engineGap(this, 'no-image-decoder');
    for (let o = 1; o <= 8; o++) {
      const orientation = o as Orientation;
      const input = await jpegWithOrientation(stored, orientation);
      const result = await decodeAtScale(input, 'jpeg', { width: 4000, height: 3000 }, orientation, 1536);
      if (!result) throw new Error(`the scaled decode declined a plain JPEG with orientation ${o}`);
      const upright = orientedSize({ width: 4000, height: 3000 }, orientation);
      const target = targetSize(upright, 1536);
      // Chromium decodes at 4/8, stored side up; Gecko decodes straight to the target, upright.
      expect(result.decoded, `orientation ${o}`).to.deep.equal(framesCarryRotation ? { width: 2000, height: 1500 } : target);
      expect(result.original, `orientation ${o}`).to.deep.equal(upright);
      expect([result.bitmap.width, result.bitmap.height]).to.deep.equal([target.width, target.height]);
      // The browser's own full decode is the judge of what "upright" means for each orientation.
      const reference = await createImageBitmap(input, { imageOrientation: 'from-image' });
      const want = corners(reference);
      const got = corners(result.bitmap);
      reference.close();
      result.bitmap.close();
      got.forEach((colour, i) => expect(colourDistance(colour, want[i]!), `orientation ${o}, corner ${i}`).to.be.at.most(12));
    }
  });

  it('declines, rather than turn the photo wrongly, when the frame disagrees with the EXIF read', async function () {
    await engineGap(this, 'no-image-decoder');
    await engineGap(this, 'frames-without-turn-metadata');
    const input = await jpegWithOrientation(stored, 6);
    for (const claimed of [undefined, 1, 3] as const) {
      const result = await decodeAtScale(input, 'jpeg', { width: 4000, height: 3000 }, claimed, 1536);
      expect(result, `orientation ${claimed} claimed for an Orientation=6 file`).to.equal(undefined);
    }
  });

  it('declines when the bytes are not a JPEG it can decode; where no n/8 scale fits (Chromium), leaves it to createImageBitmap', async function () {
    await engineGap(this, 'no-image-decoder');
    const near = await decodeAtScale(stored, 'jpeg', { width: 4000, height: 3000 }, 1, 3600);
    if (framesCarryRotation) {
      expect(near).to.equal(undefined);
    } else {
      // Gecko decodes to any size asked, and its ImageDecoder keeps the main thread free: always used.
      expect([near?.bitmap.width, near?.bitmap.height]).to.deep.equal([3600, 2700]);
      near!.bitmap.close();
    }
    const junk = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], { type: 'image/jpeg' });
    expect(await decodeAtScale(junk, 'jpeg', { width: 4000, height: 3000 }, 1, 1536)).to.equal(undefined);
  });

  it('processPhoto: every EXIF orientation 1-8 comes out as the browser itself displays the photo', async () => {
    const small = await encode(quadrantPixels(2000, 1500), 'image/jpeg', 0.92);
    for (let o = 1; o <= 8; o++) {
      const input = await jpegWithOrientation(small, o);
      expect(jpegOrientation(await bytesOf(input))).to.equal(o);
      const photo = await processPhoto(input, { maxLongEdge: 600 });
      const want = targetSize(orientedSize({ width: 2000, height: 1500 }, o as Orientation), 600);
      expect([photo.width, photo.height], `orientation ${o} size`).to.deep.equal([want.width, want.height]);
      const reference = await createImageBitmap(input, { imageOrientation: 'from-image' });
      const output = await createImageBitmap(photo.blob);
      const expected = corners(reference);
      corners(output).forEach((colour, i) =>
        expect(colourDistance(colour, expected[i]!), `orientation ${o}, corner ${i}: rgb(${colour}) vs rgb(${expected[i]})`).to.be.at.most(
          12,
        ),
      );
      reference.close();
      output.close();
    }
  });

  it('ships the same quality as the full decode, well above a bilinear resize (PSNR, SSIM vs an area average)', async function () {
    await engineGap(this, 'no-image-decoder');
    const scene = await drawScene(3000, 4000, 6).convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    const target = targetSize({ width: 3000, height: 4000 }, 1536);
    const reference = areaDownscale(await pixelsOf(scene), target.width, target.height);
    const resizeFull = async (quality: ResizeQuality) => {
      const full = await createImageBitmap(scene);
      const resized = await createImageBitmap(full, { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: quality });
      full.close();
      return resized;
    };
    const scaled = await decodeAtScale(scene, 'jpeg', { width: 3000, height: 4000 }, undefined, 1536);
    if (!scaled) throw new Error('the scaled decode declined');
    // Scored twice: the bitmap itself (lossless) and as shipped (JPEG at the default quality 0.9).
    const score = async (bitmap: ImageBitmap) => {
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      bitmap.close();
      const [lossless, shipped] = await Promise.all(
        [{ type: 'image/png' }, { type: 'image/jpeg', quality: 0.9 }].map(async (options) =>
          compare(reference, await pixelsOf(await canvas.convertToBlob(options)))!,
        ),
      );
      return { lossless: lossless!, shipped: shipped! };
    };
    const fast = await score(scaled.bitmap);
    const full = await score(await resizeFull('high'));
    const bilinear = await score(await resizeFull('low'));
    const line = (name: string, s: typeof fast) =>
      `${name} ${s.lossless.psnr.toFixed(2)} dB/${s.lossless.ssim.toFixed(4)} lossless, ${s.shipped.psnr.toFixed(2)} dB/${s.shipped.ssim.toFixed(4)} shipped`;
    console.log(`scene 3000x4000 -> 1152x1536: ${line('scaled', fast)}; ${line('full', full)}; ${line('bilinear', bilinear)}`);
    // What the shopper's upload carries: no worse than the full decode within noise.
    expect(fast.shipped.psnr).to.be.at.least(full.shipped.psnr - 0.2);
    expect(fast.shipped.ssim).to.be.at.least(full.shipped.ssim - 0.002);
    // The 1/8-step decode is a low-pass of its own: it must stay clearly above a bilinear resize
    // (about what browser-image-compression delivers), even before the encode evens things out.
    expect(fast.lossless.psnr).to.be.at.least(bilinear.lossless.psnr + 1);
    expect(fast.lossless.ssim).to.be.above(bilinear.lossless.ssim);
    expect(fast.shipped.psnr).to.be.above(bilinear.shipped.psnr);
  });
});

describe('reading only the head and tail of the file', function () {
  this.timeout(60_000);
  let jpeg: Uint8Array<ArrayBuffer>;

  before(async () => {
    jpeg = await bytesOf(await encode(quadrantPixels(2400, 1800), 'image/jpeg', 0.95));
    // Larger than the 512 kB head, so the tail is read on its own.
    expect(jpeg.length).to.be.above(600_000);
  });
  after(() => disposePhotoWorker());

  it('accepts data after EOI (a motion photo trailer) by walking the whole file', async () => {
    const trailer = new Uint8Array(200_000).map((_, i) => (i * 31 + 7) & 0xff);
    const photo = await processPhoto(new Blob([jpeg, trailer], { type: 'image/jpeg' }));
    expect([photo.width, photo.height]).to.deep.equal([1536, 1152]);
  });

  it('accepts zero padding longer than the tail it reads', async () => {
    const photo = await processPhoto(new Blob([jpeg, new Uint8Array(100_000)], { type: 'image/jpeg' }));
    expect([photo.width, photo.height]).to.deep.equal([1536, 1152]);
  });

  it('still refuses a cut-off JPEG with a tail of entropy data', async () => {
    try {
      await processPhoto(new Blob([jpeg.subarray(0, jpeg.length - 100_000)], { type: 'image/jpeg' }));
      throw new Error('accepted a truncated JPEG');
    } catch (error) {
      expect((error as { code?: string }).code).to.equal('photo_corrupt');
    }
  });

  it('processes a JPEG whose header runs past the head it reads (large APP2 segments)', async () => {
    // Ten 60 kB APP2 segments (as an ICC profile split up would be) push SOF beyond 512 kB.
    const app2 = new Uint8Array(60_000 + 4).fill(0x41);
    app2.set([0xff, 0xe2, (60_002 >> 8) & 0xff, 60_002 & 0xff]);
    const parts: Uint8Array<ArrayBuffer>[] = [jpeg.subarray(0, 2)];
    for (let i = 0; i < 10; i++) parts.push(app2);
    parts.push(jpeg.subarray(2));
    const photo = await processPhoto(new Blob(parts, { type: 'image/jpeg' }));
    expect([photo.width, photo.height]).to.deep.equal([1536, 1152]);
  });
});

describe('on-device checks made while the JPEG encodes', function () {
  this.timeout(30_000);
  after(() => disposePhotoWorker());

  it('reports a dark landscape photo and still returns the encoded JPEG', async () => {
    const dark = new ImageData(2400, 1800);
    for (let i = 0; i < dark.data.length; i += 4) dark.data.set([8 + (i % 7), 8, 10, 255], i);
    const photo = await processPhoto(await encode(dark, 'image/jpeg', 0.9), { checks: { expectPortrait: true } });
    expect(photo.checks.map((c) => c.code)).to.deep.equal(['too_dark', 'landscape']);
    expect([photo.width, photo.height]).to.deep.equal([1536, 1152]);
    const out = await bytesOf(photo.blob);
    expect([out[0], out[1], out[2]]).to.deep.equal([0xff, 0xd8, 0xff]);
  });

  it('reports nothing for a well-lit, sharp portrait, and nothing at all when checks are not asked for', async () => {
    const portrait = await encode(quadrantPixels(1500, 2000), 'image/jpeg', 0.92);
    expect((await processPhoto(portrait, { checks: { expectPortrait: true } })).checks).to.deep.equal([]);
    const dark = new ImageData(600, 800);
    for (let i = 0; i < dark.data.length; i += 4) dark.data.set([5, 5, 5, 255], i);
    expect((await processPhoto(await encode(dark, 'image/jpeg', 0.9))).checks).to.deep.equal([]);
  });
});
