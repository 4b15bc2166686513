/**
 * The one place that says how every test, benchmark and script drives Chromium: Debian's
 * build (or CHROMIUM_PATH), headless, with the background services off so runs are quiet and
 * repeatable. web-test-runner.config.mjs, the e2e, package and shipping tests and the benches
 * all launch it from here.
 */
import { chromium, type Browser } from 'playwright-core';

/** The Chromium binary: CHROMIUM_PATH when set, else Debian's. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, no sandbox (containers), no GPU, and no background networking, updates or sync. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Grants camera permission without a prompt and feeds getUserMedia a synthetic camera. */
export const FAKE_CAMERA_ARGS: readonly string[] = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

/** The flags for a run; `camera` adds the fake camera. */
export function chromiumArgs(options: { camera?: boolean } = {}): string[] {
  return options.camera ? [...CHROMIUM_ARGS, ...FAKE_CAMERA_ARGS] : [...CHROMIUM_ARGS];
}

/** Launches Chromium through playwright-core with the shared path and flags; `camera` adds the fake camera. */
export function launchChromium(options: { camera?: boolean } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(options) });
}
