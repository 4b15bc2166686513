/**
 * The photo pipeline bench page. Node (suite.ts) drives it through `window.photoBench`, in each
 * engine: the inputs are made once (in Chromium) and loaded by every engine as the same bytes,
 * then one method runs on one input per call, so every method runs in the same page, on the same
 * bytes, against the same floor. Main-thread long tasks are watched as the tests watch them
 * (PerformanceObserver where the engine has 'longtask', frame gaps where it does not).
 */
import imageCompression from 'browser-image-compression';
import Compressor from 'compressorjs';
import { LIMITS } from '../../src/protocol.ts';
import { processPhoto } from '../../src/worker/index.ts';
import { containsAscii, hasExifSegment, targetSize } from '../../src/worker/pipeline.ts';
import { EXIF_SECRETS } from '../../test/worker/images.ts';
import { watchMainThread, type MainThreadWatch } from '../../test/worker/main-thread.ts';
import { areaDownscale, compare, pixelsOf, type QualityScore, type Rgb32 } from './quality.ts';
import { makeInputs, type BenchInput } from './scene.ts';
import { stages } from './stages.ts';

/** The same target for everyone: issue 7's 1536 px long edge, JPEG, quality 0.9 (our default). */
const LONG_EDGE = LIMITS.photoLongEdge;
const QUALITY = 0.9;

export type Method = 'ours' | 'browser-image-compression' | 'compressorjs' | 'floor';

/** One timed run. */
export interface RunResult {
  ms: number;
  longTasks: number;
  longTaskMs: number;
  /** How long tasks were seen: the Long Tasks API, or gaps between animation frames. */
  longTaskMethod: MainThreadWatch['method'];
  worstFrameGapMs: number;
  /** For ours: the decode path and the JPEG quality kept (after the size aim). */
  path?: string;
  quality?: number;
  /** Absent for the floor, which produces no file. */
  bytes?: number;
  width?: number;
  height?: number;
  type?: string;
  /** An APP1 Exif segment is still in the output. */
  exif?: boolean;
  /** The planted GPS or camera strings are still in the output. */
  gps?: boolean;
}

let inputs: BenchInput[] = [];
const references = new Map<string, Rgb32>();
const lastOutput = new Map<string, Blob>();

const floorWorker = new Worker(new URL('./floor-worker.ts', import.meta.url), { type: 'module' });
let floorSeq = 0;
function askFloor<T>(message: Record<string, unknown>): Promise<T> {
  const id = ++floorSeq;
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent<{ id: number; error?: string }>) => {
      if (event.data.id !== id) return;
      floorWorker.removeEventListener('message', onMessage);
      if (event.data.error) reject(new Error(event.data.error));
      else resolve(event.data as T);
    };
    floorWorker.addEventListener('message', onMessage);
    floorWorker.postMessage({ ...message, id });
  });
}

function compressor(file: File): Promise<Blob> {
  return new Promise((resolve, reject) => {
    new Compressor(file, {
      maxWidth: LONG_EDGE,
      maxHeight: LONG_EDGE,
      quality: QUALITY,
      mimeType: 'image/jpeg',
      convertSize: Infinity,
      // Otherwise it hands back the original whenever its output is larger.
      strict: false,
      checkOrientation: true,
      retainExif: false,
      success: resolve,
      error: reject,
    });
  });
}

let lastOurs: { path?: string; quality?: number } = {};

const methods: Record<Method, (file: File) => Promise<Blob | undefined>> = {
  ours: async (file) => {
    const photo = await processPhoto(file, { maxLongEdge: LONG_EDGE, quality: QUALITY });
    lastOurs = { path: photo.path, quality: photo.quality };
    return photo.blob;
  },
  'browser-image-compression': (file) =>
    imageCompression(file, {
      maxWidthOrHeight: LONG_EDGE,
      useWebWorker: true,
      fileType: 'image/jpeg',
      initialQuality: QUALITY,
      preserveExif: false,
      // Its worker importScripts() the library; by default from a CDN, here from this server.
      libURL: new URL('/bic.js', location.href).href,
    }),
  compressorjs: compressor,
  floor: async (file) => {
    await askFloor({ blob: file });
    return undefined;
  },
};

function input(name: string): BenchInput {
  const found = inputs.find((i) => i.name === name);
  if (!found) throw new Error(`no input ${name}; call makeInputs first`);
  return found;
}

const settle = () => new Promise((r) => setTimeout(r, 60));

async function run(method: Method, name: string): Promise<RunResult> {
  const { file } = input(name);
  await settle();
  const watch = await watchMainThread();
  const t0 = performance.now();
  const blob = await methods[method](file);
  const t1 = performance.now();
  const seen = await watch.stop();
  const result: RunResult = {
    ms: t1 - t0,
    longTasks: seen.longTasks,
    longTaskMs: seen.longTaskMs,
    longTaskMethod: seen.method,
    worstFrameGapMs: seen.worstFrameGapMs,
    ...(method === 'ours' ? lastOurs : {}),
  };
  if (blob) {
    lastOutput.set(`${method}:${name}`, blob);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const bitmap = await createImageBitmap(blob);
    Object.assign(result, {
      bytes: blob.size,
      type: blob.type,
      width: bitmap.width,
      height: bitmap.height,
      exif: hasExifSegment(bytes),
      gps: containsAscii(bytes, EXIF_SECRETS.gpsArea) || containsAscii(bytes, EXIF_SECRETS.make),
    });
    bitmap.close();
  }
  return result;
}

async function reference(name: string): Promise<Rgb32> {
  const cached = references.get(name);
  if (cached) return cached;
  const source = await pixelsOf(input(name).file);
  const target = targetSize(source, LONG_EDGE);
  const made = areaDownscale(source, target.width, target.height);
  references.set(name, made);
  return made;
}

/** Quality of the last output of `method` on input `name`; undefined when it is not comparable (wrong size or orientation). */
async function quality(method: Method, name: string): Promise<QualityScore | undefined> {
  const blob = lastOutput.get(`${method}:${name}`);
  if (!blob) return undefined;
  return compare(await reference(name), await pixelsOf(blob));
}

function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x + i * 2654435761) >>> 0;
  return x;
}

/** The same fixed loop on the main thread and in a worker: shows whether CPU throttling reaches workers. */
async function spinTimes(iterations: number): Promise<{ mainMs: number; workerMs: number }> {
  const t0 = performance.now();
  spin(iterations);
  const mainMs = performance.now() - t0;
  const { ms } = await askFloor<{ ms: number }>({ spin: iterations });
  return { mainMs, workerMs: ms };
}

/** What Node gets back about an input, with its bytes (base64) when asked, to serve to other engines. */
export interface InputInfo {
  name: string;
  fileName: string;
  bytes: number;
  type: string;
  width: number;
  height: number;
  base64?: string;
}

async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function useInputs(made: BenchInput[]): void {
  inputs = made;
  references.clear();
  lastOutput.clear();
}

const info = (i: BenchInput): InputInfo => ({
  name: i.name,
  fileName: i.file.name,
  bytes: i.file.size,
  type: i.file.type,
  width: i.width,
  height: i.height,
});

const api = {
  /** Draws the inputs in this page; with `withBytes`, returns their bytes too (made in Chromium, served to the others). */
  async makeInputs(scale: number, withBytes = false): Promise<InputInfo[]> {
    useInputs(await makeInputs(scale));
    return Promise.all(inputs.map(async (i) => ({ ...info(i), ...(withBytes ? { base64: await base64Of(i.file) } : {}) })));
  },
  /** Loads inputs another engine made, from `base` + file name, so every engine times the same bytes. */
  async loadInputs(list: InputInfo[], base: string): Promise<InputInfo[]> {
    const loaded = await Promise.all(
      list.map(async (i) => {
        const blob = await (await fetch(new URL(i.fileName, new URL(base, location.href)))).blob();
        return { name: i.name, file: new File([blob], i.fileName, { type: i.type }), width: i.width, height: i.height };
      }),
    );
    useInputs(loaded);
    return inputs.map(info);
  },
  run,
  quality,
  spinTimes,
  stages: (name: string) => stages(input(name).file),
};

export type PhotoBenchApi = typeof api;
(window as unknown as { photoBench: PhotoBenchApi }).photoBench = api;
document.title = 'photo bench ready';
