/**
 * The demo provider's "result": the shopper's photo with the garment image laid over the body
 * region its category suggests, and a banner saying plainly that this is not AI.
 * Pure: bytes in, SVG text out.
 */
import type { Category } from '../../protocol.ts';
import { toBase64 } from '../base64.ts';

/** The label every demo result carries, so nobody mistakes it for a real try-on. */
export const DEMO_LABEL = 'Preview · demo provider, not AI';

/** Where the garment goes, as fractions of the photo: [left, top, right, bottom]. */
export const GARMENT_REGIONS: Record<Category, readonly [number, number, number, number]> = {
  top: [0.22, 0.2, 0.78, 0.58],
  outerwear: [0.16, 0.18, 0.84, 0.62],
  bottom: [0.26, 0.48, 0.74, 0.92],
  dress: [0.22, 0.2, 0.78, 0.88],
  full: [0.18, 0.16, 0.82, 0.96],
  shoes: [0.28, 0.86, 0.72, 1],
  watch: [0.1, 0.5, 0.3, 0.62],
  glasses: [0.4, 0.1, 0.6, 0.16],
  hat: [0.36, 0, 0.64, 0.1],
  bag: [0.66, 0.46, 0.92, 0.7],
  jewelry: [0.42, 0.18, 0.58, 0.26],
  accessory: [0.38, 0.06, 0.62, 0.22],
};

export interface CompositeImage {
  bytes: Uint8Array;
  type: string;
}

const dataUri = (image: CompositeImage) => `data:${image.type};base64,${toBase64(image.bytes)}`;

/** An SVG document embedding both images as data URIs (an SVG shown by <img> cannot load anything else). */
export function composeDemoSvg(input: {
  photo: CompositeImage & { width: number; height: number };
  garment: CompositeImage;
  category: Category;
}): string {
  const { width: w, height: h } = input.photo;
  const [left, top, right, bottom] = GARMENT_REGIONS[input.category];
  const banner = Math.max(28, Math.round(h * 0.07));
  // Sized so the label fits the narrowest photos too (about 17em wide).
  const fontSize = Math.max(10, Math.min(banner * 0.5, w / 18));
  const r = (n: number) => Math.round(n * 10) / 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h + banner}" width="${w}" height="${h + banner}">`,
    `<title>${DEMO_LABEL}</title>`,
    `<image href="${dataUri(input.photo)}" x="0" y="0" width="${w}" height="${h}" preserveAspectRatio="xMidYMid slice"/>`,
    `<image href="${dataUri(input.garment)}" x="${r(left * w)}" y="${r(top * h)}" width="${r((right - left) * w)}" height="${r((bottom - top) * h)}" preserveAspectRatio="xMidYMid meet" opacity="0.92"/>`,
    `<rect x="0" y="${h}" width="${w}" height="${banner}" fill="#1f2937"/>`,
    `<text x="${r(w / 2)}" y="${r(h + banner / 2)}" fill="#ffffff" font-family="system-ui, sans-serif" font-size="${r(fontSize)}" text-anchor="middle" dominant-baseline="central">${DEMO_LABEL}</text>`,
    `</svg>`,
  ].join('');
}
