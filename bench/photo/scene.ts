/**
 * Bench inputs drawn in the page: a photo-like scene (smooth gradients, hard edges, fine stripes
 * and text, sensor-like noise) so the encoders and resamplers face what a phone photo gives them.
 * Flat colours would make every pipeline look fast and every output tiny; pure noise would make
 * quality figures meaningless. EXIF comes from the worker tests' hand-built segment, so the
 * planted GPS strings are the same ones the tests look for.
 */
import { exifSegment, spliceAfterSoi } from '../../test/worker/images.ts';

/** Draws the scene upright at `width`x`height`, with Gaussian-ish noise of `noise` levels. */
export function drawScene(width: number, height: number, noise: number): OffscreenCanvas {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  const sky = ctx.createLinearGradient(0, 0, 0, height);
  sky.addColorStop(0, '#8fb8de');
  sky.addColorStop(0.55, '#e9d8c4');
  sky.addColorStop(1, '#6b5a4a');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, width, height);
  const unit = Math.min(width, height) / 100;
  // A "person": soft radial shading, like skin and fabric under window light.
  const body = ctx.createRadialGradient(width * 0.5, height * 0.45, unit * 4, width * 0.5, height * 0.5, unit * 45);
  body.addColorStop(0, '#c98f6f');
  body.addColorStop(0.6, '#8a4f3a');
  body.addColorStop(1, 'rgba(60,30,20,0)');
  ctx.fillStyle = body;
  ctx.beginPath();
  ctx.ellipse(width * 0.5, height * 0.55, unit * 30, unit * 48, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#d9a98a';
  ctx.beginPath();
  ctx.arc(width * 0.5, height * 0.2, unit * 11, 0, Math.PI * 2);
  ctx.fill();
  // Fine detail: a striped shirt and a brick wall, where a poor downscale aliases or blurs.
  ctx.save();
  ctx.beginPath();
  ctx.rect(width * 0.32, height * 0.38, width * 0.36, height * 0.3);
  ctx.clip();
  for (let x = 0; x < width; x += Math.max(2, unit * 0.6)) {
    ctx.fillStyle = Math.round(x / Math.max(2, unit * 0.6)) % 2 ? '#1d3557' : '#f1faee';
    ctx.fillRect(x, 0, Math.max(1, unit * 0.3), height);
  }
  ctx.restore();
  ctx.strokeStyle = '#5a3b2e';
  ctx.lineWidth = Math.max(1, unit * 0.15);
  for (let y = height * 0.75; y < height; y += unit * 2) {
    for (let x = ((y / (unit * 2)) % 2) * unit * 2; x < width; x += unit * 4) ctx.strokeRect(x, y, unit * 4, unit * 2);
  }
  ctx.fillStyle = '#101010';
  ctx.font = `${Math.round(unit * 3)}px sans-serif`;
  for (let i = 0; i < 6; i++) ctx.fillText('Saltmarsh & Co. linen 100%', unit * 4, unit * (8 + i * 4));
  if (noise > 0) {
    const image = ctx.getImageData(0, 0, width, height);
    const px = image.data;
    let seed = 2463534242;
    for (let i = 0; i < px.length; i += 4) {
      // xorshift32; the sum of two draws is a cheap bell-shaped noise.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      const n = (((seed & 0xff) + ((seed >>> 8) & 0xff)) / 510 - 0.5) * 2 * noise;
      px[i] = px[i]! + n;
      px[i + 1] = px[i + 1]! + n;
      px[i + 2] = px[i + 2]! + n;
    }
    ctx.putImageData(image, 0, 0);
  }
  return canvas;
}

/** Rotates an upright canvas 90° counter-clockwise: what a phone stores when EXIF says 6. */
function storedForOrientation6(upright: OffscreenCanvas): OffscreenCanvas {
  const stored = new OffscreenCanvas(upright.height, upright.width);
  const ctx = stored.getContext('2d')!;
  ctx.translate(0, upright.width);
  ctx.rotate(-Math.PI / 2);
  ctx.drawImage(upright, 0, 0);
  return stored;
}

/** One bench input: the file and what it is. */
export interface BenchInput {
  name: string;
  file: File;
  /** Pixel size as displayed (after EXIF orientation). */
  width: number;
  height: number;
}

/**
 * The three inputs of issue 7, scaled by `scale` (1 = full size; the smoke run uses less):
 * a 12 MP JPEG stored sideways with EXIF orientation 6 and GPS, a 24 MP PNG, a 4000x3000 WebP.
 */
export async function makeInputs(scale = 1): Promise<BenchInput[]> {
  const s = (n: number) => Math.max(16, Math.round(n * scale));
  const inputs: BenchInput[] = [];

  const uprightJpeg = drawScene(s(3000), s(4000), 6);
  const stored = await storedForOrientation6(uprightJpeg).convertToBlob({ type: 'image/jpeg', quality: 0.92 });
  const withExif = spliceAfterSoi(new Uint8Array(await stored.arrayBuffer()), exifSegment(6));
  inputs.push({
    name: 'jpeg-12mp-exif6',
    file: new File([withExif], 'IMG_0001.jpg', { type: 'image/jpeg' }),
    width: s(3000),
    height: s(4000),
  });

  const png = await drawScene(s(6000), s(4000), 0).convertToBlob({ type: 'image/png' });
  inputs.push({ name: 'png-24mp', file: new File([png], 'render.png', { type: 'image/png' }), width: s(6000), height: s(4000) });

  const webp = await drawScene(s(4000), s(3000), 6).convertToBlob({ type: 'image/webp', quality: 0.9 });
  if (webp.type !== 'image/webp') throw new Error('this browser cannot encode WebP');
  inputs.push({ name: 'webp-4000x3000', file: new File([webp], 'photo.webp', { type: 'image/webp' }), width: s(4000), height: s(3000) });
  return inputs;
}
