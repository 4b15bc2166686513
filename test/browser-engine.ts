/**
 * Browser side of the three-engine runs (web-test-runner.config.mjs): which engine a test is in,
 * the viewport, key-chord and reduced-motion commands that work in all three (test/engine-commands.ts), and
 * the one way a test steps aside in an engine: `engineGap`, which names the missing API or the
 * engine bug, says where the product's own path for that engine is tested, and is listed in
 * ENGINE_GAPS so every gap is tracked in one place (and in bench/RESULTS.md).
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { MediaEmulation } from './engine-commands.ts';

export type Engine = 'chromium' | 'firefox' | 'webkit';

/** A real HEIC photo (HEVC, 1200x1600, four coloured quadrants), made with libheif's heif-enc. */
export const HEIC_FIXTURE = new URL('./worker/fixtures/quadrants-1200x1600.heic', import.meta.url).href;

let heicDecodes: Promise<boolean> | undefined;

/** Whether this engine opens HEIC (Safari does; Chromium, Firefox and Debian's WebKitGTK do not). */
export function engineDecodesHeic(): Promise<boolean> {
  heicDecodes ??= (async () => {
    try {
      (await createImageBitmap(await (await fetch(HEIC_FIXTURE)).blob())).close();
      return true;
    } catch {
      return false;
    }
  })();
  return heicDecodes;
}

/** The engine this page runs in, from its user agent (headless Chromium says HeadlessChrome; WebKitGTK says Safari). */
export const ENGINE: Engine = /Firefox\//.test(navigator.userAgent)
  ? 'firefox'
  : /Chrom(e|ium)\//.test(navigator.userAgent)
    ? 'chromium'
    : 'webkit';

/**
 * Sets the page's viewport (CSS px) in any engine, and resolves after the next rendering update:
 * media queries are evaluated there, and WebKit's MediaQueryList.matches keeps its old answer
 * until then (the panel asks matchMedia whether it is a sheet).
 */
export async function setViewport(viewport: { width: number; height: number }): Promise<void> {
  await executeServerCommand('engine-viewport', { width: viewport.width, height: viewport.height });
  await new Promise((resolve) => requestAnimationFrame(resolve));
}

/** Presses keys together, e.g. ['Shift', 'Tab'], in any engine. */
export async function pressChord(keys: string[]): Promise<void> {
  await executeServerCommand('engine-chord', { keys });
}

/** Emulates prefers-reduced-motion where the driver can; `emulated: false` says why not. */
export async function emulateReducedMotion(value: 'reduce' | 'no-preference'): Promise<MediaEmulation> {
  const answer = await executeServerCommand<MediaEmulation, { value: string }>('engine-reduced-motion', { value });
  if (!answer) throw new Error('engine-reduced-motion is not registered (web-test-runner.config.mjs)');
  return answer;
}

/** A place where one engine cannot run a test as written. */
export interface EngineGap {
  /** Whether the running engine has the gap (a feature test where there is one, else the engine). */
  applies: () => boolean | Promise<boolean>;
  /** The missing API or the engine bug, by name. */
  missing: string;
  /** Where the product's path for that engine is tested instead. */
  testedBy: string;
}

/**
 * Every gap the browser suites know of. A test that steps aside names one of these; nothing
 * else may skip a test per engine.
 */
export const ENGINE_GAPS = {
  'no-media-emulation': {
    applies: () => ENGINE !== 'chromium',
    missing:
      'prefers-reduced-motion emulation: puppeteer drives Firefox over WebDriver BiDi, which has no emulateMediaFeatures (CDP only), and classic WebDriver (WebKitGTK) has no media emulation command',
    testedBy:
      'the reduced-motion rules are plain CSS @media (prefers-reduced-motion: reduce), the same in every engine; the Chromium run checks them on every status',
  },
  'no-image-decoder': {
    applies: () => typeof (globalThis as { ImageDecoder?: unknown }).ImageDecoder !== 'function',
    missing: 'ImageDecoder (WebCodecs image decoding) is not exposed in this engine (WebKit)',
    testedBy:
      'processPhoto takes the createImageBitmap path here; test/worker/photo.browser.test.ts and the orientation test of this file run it',
  },
  'frames-without-turn-metadata': {
    applies: () => typeof VideoFrame === 'function' && !('rotation' in VideoFrame.prototype),
    missing:
      "VideoFrame.rotation/flip (Gecko): its ImageDecoder turns frames upright itself, so a frame cannot contradict a wrong EXIF read; the worker's own EXIF reading is the only judge of orientation there",
    testedBy:
      'jpegOrientation in test/worker/orientation.test.ts, and every EXIF orientation 1-8 through processPhoto and decodeJpegAtScale in this engine (test/worker/scaled-decode.browser.test.ts)',
  },
  'idb-refuses-blobs': {
    applies: () => ENGINE === 'webkit',
    missing:
      'WebKit refuses to store a Blob or File in IndexedDB in an ephemeral session (Safari private browsing; WebKitGTK under WebDriver): the put fails with a null error',
    testedBy:
      'the widget stores the photo as bytes (src/client/memory.ts), which "stores the photo as bytes" in test/element/memory.browser.test.ts checks in every engine; a Blob saved by an earlier version could not exist there',
  },
  'no-heic-decoder': {
    applies: async () => !(await engineDecodesHeic()),
    missing:
      'a HEIC (HEVC) decoder: Chromium and Firefox have none, and Debian builds WebKitGTK without libheif (Safari on iPhone and macOS has one)',
    testedBy: 'the refusal of the same real HEIC file, with what to do, before anything is uploaded',
  },
  'heic-decoder': {
    applies: engineDecodesHeic,
    missing: 'nothing to refuse: this engine opens HEIC',
    testedBy: 'the acceptance of the same real HEIC file as an upright JPEG',
  },
} satisfies Record<string, EngineGap>;

export type EngineGapId = keyof typeof ENGINE_GAPS;

/**
 * Skips the running test when the engine has gap `id`, and says so in the run's log: never a
 * silent skip. Returns normally when the engine does not have the gap.
 */
export async function engineGap(context: Mocha.Context, id: EngineGapId): Promise<void> {
  const gap: EngineGap = ENGINE_GAPS[id];
  if (!(await gap.applies())) return;
  console.warn(
    `[engine gap ${id}] "${context.test?.fullTitle()}" cannot run in ${ENGINE}: ${gap.missing}. Tested instead: ${gap.testedBy}.`,
  );
  context.skip();
}
