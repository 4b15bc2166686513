/**
 * Test inputs made in the browser: canvas-drawn photos and hand-built EXIF segments, so tests
 * need no binary fixtures and every byte of an input is explained here.
 */

export type Rgb = [number, number, number];

/** Quadrant colours of the test photo, as stored (before any EXIF rotation). */
export const QUADRANTS = {
  topLeft: [220, 30, 30],
  topRight: [30, 200, 40],
  bottomLeft: [30, 50, 220],
  bottomRight: [240, 220, 20],
} as const satisfies Record<string, Rgb>;

/**
 * Four coloured quadrants (distinct, so any rotation or flip shows) with camera-like noise on
 * top, so the JPEG is as large and as slow to decode as a real phone photo rather than a flat one.
 */
export function quadrantPixels(width: number, height: number): ImageData {
  const data = new ImageData(width, height);
  const px = data.data;
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    const top = y < height / 2;
    for (let x = 0; x < width; x++) {
      const left = x < width / 2;
      const base = top ? (left ? QUADRANTS.topLeft : QUADRANTS.topRight) : left ? QUADRANTS.bottomLeft : QUADRANTS.bottomRight;
      seed = (seed * 1103515245 + 12345) >>> 0;
      const noise = ((seed >>> 16) % 41) - 20;
      const i = (y * width + x) * 4;
      px[i] = base[0] + noise;
      px[i + 1] = base[1] + noise;
      px[i + 2] = base[2] + noise;
      px[i + 3] = 255;
    }
  }
  return data;
}

/** Encodes pixels with the browser's own encoder (on the main thread: test setup only). */
export async function encode(pixels: ImageData, type: string, quality?: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = pixels.width;
  canvas.height = pixels.height;
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, quality));
  if (!blob || blob.type !== type) throw new Error(`this browser cannot encode ${type}`);
  return blob;
}

export async function bytesOf(blob: Blob): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await blob.arrayBuffer());
}

interface IfdEntry {
  tag: number;
  /** TIFF field type: 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 7 UNDEFINED. */
  type: 1 | 2 | 3 | 4 | 5 | 7;
  count: number;
  /** Little-endian value bytes; up to 4 are stored inline, more go to the data area. */
  value: Uint8Array;
}

const le16 = (n: number) => Uint8Array.from([n & 0xff, n >> 8]);
const le32 = (n: number) => Uint8Array.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24]);
const asciiz = (s: string) => new TextEncoder().encode(`${s}\0`);
const rationals = (...pairs: [number, number][]) => {
  const out = new Uint8Array(pairs.length * 8);
  pairs.forEach(([num, den], i) => {
    out.set(le32(num), i * 8);
    out.set(le32(den), i * 8 + 4);
  });
  return out;
};

function ifdLength(entries: IfdEntry[]): number {
  const data = entries.reduce((sum, e) => sum + (e.value.length > 4 ? e.value.length + (e.value.length % 2) : 0), 0);
  return 2 + entries.length * 12 + 4 + data;
}

/** Serializes one IFD placed at `offset` from the TIFF header, its out-of-line values right after it. */
function writeIfd(entries: IfdEntry[], offset: number): Uint8Array {
  const out = new Uint8Array(ifdLength(entries));
  const view = new DataView(out.buffer);
  view.setUint16(0, entries.length, true);
  let dataAt = 2 + entries.length * 12 + 4;
  entries.forEach((entry, i) => {
    const at = 2 + i * 12;
    view.setUint16(at, entry.tag, true);
    view.setUint16(at + 2, entry.type, true);
    view.setUint32(at + 4, entry.count, true);
    if (entry.value.length <= 4) {
      out.set(entry.value, at + 8);
    } else {
      view.setUint32(at + 8, offset + dataAt, true);
      out.set(entry.value, dataAt);
      dataAt += entry.value.length + (entry.value.length % 2);
    }
  });
  return out;
}

/** Strings planted in the test EXIF, which must not survive processing. */
export const EXIF_SECRETS = { make: 'SecretCam', gpsArea: 'GPS-SECRET-PLACE' } as const;

/**
 * An APP1 segment (marker included) with 'Exif\0\0' and a little-endian TIFF structure: IFD0 with
 * Make, Orientation and a GPS IFD pointer; the GPS IFD with latitude, longitude and an area name.
 */
export function exifSegment(orientation: number): Uint8Array {
  const gpsEntries = (): IfdEntry[] => [
    { tag: 0x0001, type: 2, count: 2, value: asciiz('N') },
    { tag: 0x0002, type: 5, count: 3, value: rationals([48, 1], [51, 1], [2436, 100]) },
    { tag: 0x0003, type: 2, count: 2, value: asciiz('E') },
    { tag: 0x0004, type: 5, count: 3, value: rationals([2, 1], [17, 1], [4012, 100]) },
    { tag: 0x001c, type: 7, count: 8 + EXIF_SECRETS.gpsArea.length, value: new TextEncoder().encode(`ASCII\0\0\0${EXIF_SECRETS.gpsArea}`) },
  ];
  const ifd0 = (gpsOffset: number): IfdEntry[] => [
    { tag: 0x010f, type: 2, count: EXIF_SECRETS.make.length + 1, value: asciiz(EXIF_SECRETS.make) },
    { tag: 0x0112, type: 3, count: 1, value: Uint8Array.from([...le16(orientation), 0, 0]) },
    { tag: 0x8825, type: 4, count: 1, value: le32(gpsOffset) },
  ];
  const gpsOffset = 8 + ifdLength(ifd0(0));
  const tiff = [Uint8Array.from([0x49, 0x49, 0x2a, 0x00]), le32(8), writeIfd(ifd0(gpsOffset), 8), writeIfd(gpsEntries(), gpsOffset)];
  const payload = [new TextEncoder().encode('Exif\0\0'), ...tiff];
  const length = 2 + payload.reduce((sum, p) => sum + p.length, 0);
  const segment = new Uint8Array(2 + length);
  segment.set([0xff, 0xe1, length >> 8, length & 0xff]);
  let at = 4;
  for (const p of payload) {
    segment.set(p, at);
    at += p.length;
  }
  return segment;
}

/** Inserts a segment right after the JPEG's SOI marker, as cameras place EXIF. */
export function spliceAfterSoi(jpeg: Uint8Array, segment: Uint8Array): Uint8Array<ArrayBuffer> {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, 2));
  out.set(segment, 2);
  out.set(jpeg.subarray(2), 2 + segment.length);
  return out;
}

/** Decodes an output image (in the test, after timing) and reads the average colour around a point. */
export async function colourAt(blob: Blob, x: number, y: number, radius = 4): Promise<Rgb> {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = context.getImageData(x - radius, y - radius, radius * 2 + 1, radius * 2 + 1);
  const sum: Rgb = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) {
    sum[0] += data[i]!;
    sum[1] += data[i + 1]!;
    sum[2] += data[i + 2]!;
  }
  const n = data.length / 4;
  return [Math.round(sum[0] / n), Math.round(sum[1] / n), Math.round(sum[2] / n)];
}

/** Largest per-channel difference between two colours. */
export function colourDistance(a: Rgb, b: readonly number[]): number {
  return Math.max(Math.abs(a[0] - b[0]!), Math.abs(a[1] - b[1]!), Math.abs(a[2] - b[2]!));
}
