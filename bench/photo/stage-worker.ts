/**
 * Where the photo work goes, step by step, in a worker as in the pipeline: the full decode (the
 * floor), the reduced-scale decode where the engine has ImageDecoder, WebKit's one-call decode
 * and resize, the resize after a full decode, and the JPEG encode at quality 0.9 and aimed at the
 * upload size. Each step is forced to
 * finish (one pixel read back) before its clock stops, since WebKit draws and resizes lazily.
 */
import { UPLOAD_SIZE } from '../../src/worker/limits.ts';
import { encodeToSize } from '../../src/worker/jpeg-size.ts';
import { imageSize } from '../../src/worker/image-size.ts';
import { jpegOrientation, orientedSize } from '../../src/worker/orientation.ts';
import { sniffImageType, targetSize } from '../../src/worker/pipeline.ts';
import { offscreenJpegEncoder } from '../../src/worker/process.ts';
import { decodeResized, resizeBitmap, resizeHighIsSmooth } from '../../src/worker/resize.ts';
import { decodeAtScale } from '../../src/worker/scaled-decode.ts';

export interface StageTimes {
  /** createImageBitmap(file, { imageOrientation: 'from-image' }): the floor. */
  decodeFullMs: number;
  /** The resize of the full decode to the upload size (resize.ts). */
  resizeMs: number;
  /** Whether createImageBitmap's 'high' resize filters well here, or the worker halves in steps. */
  resizeHigh: boolean;
  /** decodeAtScale (ImageDecoder at reduced scale, and resize), where it applies. */
  scaledDecodeMs?: number;
  /** decodeResized (one createImageBitmap call to a whole fraction, then resize), where it applies (WebKit, JPEG). */
  resizedDecodeMs?: number;
  /** One JPEG encode at 0.9, its size and chroma subsampling. */
  encodeMs: number;
  encodeBytes: number;
  /** encodeToSize: encodes made and the quality kept. */
  aimedMs: number;
  aimedBytes: number;
  aimedQuality: number;
  aimedEncodes: number;
}

const probe = new OffscreenCanvas(1, 1).getContext('2d', { willReadFrequently: true })!;
function force(source: CanvasImageSource): void {
  probe.drawImage(source, 0, 0, 1, 1);
  probe.getImageData(0, 0, 1, 1);
}

async function timed<T>(runs: number, step: () => Promise<T>, done: (value: T) => void): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    if (i > 0) done(value);
    const t0 = performance.now();
    value = await step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, value };
}

async function measure(file: File, maxLongEdge: number, runs: number): Promise<StageTimes> {
  const close = (b: ImageBitmap) => b.close();
  const full = await timed(
    runs,
    async () => {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      force(bitmap);
      return bitmap;
    },
    close,
  );
  const target = targetSize(full.value, maxLongEdge);
  const resized = await timed(
    runs,
    async () => {
      const bitmap = await resizeBitmap(full.value, target);
      force(bitmap);
      return bitmap;
    },
    close,
  );
  full.value.close();
  let scaledDecodeMs: number | undefined;
  let resizedDecodeMs: number | undefined;
  const head = new Uint8Array(await file.slice(0, 512 * 1024).arrayBuffer());
  const type = sniffImageType(head);
  const { width, height } = imageSize(head);
  const stored = { width: width!, height: height! };
  const orientation = type === 'jpeg' ? jpegOrientation(head) : undefined;
  const scaled = await timed(
    runs,
    () => decodeAtScale(file, type, stored, orientation, maxLongEdge),
    (r) => r?.bitmap.close(),
  );
  if (scaled.value) {
    scaledDecodeMs = scaled.ms;
    scaled.value.bitmap.close();
  }
  if (type === 'jpeg') {
    const original = orientedSize(stored, orientation);
    const oneCall = await timed(
      runs,
      async () => {
        const bitmap = await decodeResized(file, original, targetSize(original, maxLongEdge));
        if (bitmap) force(bitmap);
        return bitmap;
      },
      (b) => b?.close(),
    );
    if (oneCall.value) {
      resizedDecodeMs = oneCall.ms;
      oneCall.value.close();
    }
  }
  const encode = offscreenJpegEncoder(resized.value);
  const once = await timed(
    runs,
    () => encode(0.9),
    () => {},
  );
  const aimed = await timed(
    runs,
    () => encodeToSize(encode, 0.9, UPLOAD_SIZE),
    () => {},
  );
  resized.value.close();
  return {
    decodeFullMs: full.ms,
    resizeMs: resized.ms,
    resizeHigh: await resizeHighIsSmooth(),
    ...(scaledDecodeMs !== undefined ? { scaledDecodeMs } : {}),
    ...(resizedDecodeMs !== undefined ? { resizedDecodeMs } : {}),
    encodeMs: once.ms,
    encodeBytes: once.value.size,
    aimedMs: aimed.ms,
    aimedBytes: aimed.value.blob.size,
    aimedQuality: aimed.value.quality,
    aimedEncodes: aimed.value.encodes,
  };
}

self.onmessage = async (event: MessageEvent<{ file: File; maxLongEdge: number; runs: number }>) => {
  try {
    self.postMessage({ times: await measure(event.data.file, event.data.maxLongEdge, event.data.runs) });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
