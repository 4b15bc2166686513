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

export interface ChromiumOptions {
  /** Adds the fake camera. */
  camera?: boolean;
  /** Accepts any certificate: for local TLS servers with a certificate made at test time. */
  ignoreCertificateErrors?: boolean;
}

/** The flags for a run (see {@link ChromiumOptions}). */
export function chromiumArgs(options: ChromiumOptions = {}): string[] {
  return [
    ...CHROMIUM_ARGS,
    ...(options.camera ? FAKE_CAMERA_ARGS : []),
    ...(options.ignoreCertificateErrors ? ['--ignore-certificate-errors'] : []),
  ];
}

/** Launches Chromium through playwright-core with the shared path and flags (see {@link ChromiumOptions}). */
export function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(options) });
}
