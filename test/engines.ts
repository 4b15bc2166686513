/**
 * The three browser engines shoppers arrive with, as this machine and CI run them: Chromium
 * (test/chromium.ts), Gecko (Debian's firefox-esr, driven by puppeteer over WebDriver BiDi) and
 * WebKit (WebKitGTK's MiniBrowser, driven by WebKitWebDriver under a virtual X display).
 * web-test-runner.config.mjs, the end-to-end shopper run and bench/photo launch them from here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export type Engine = 'chromium' | 'firefox' | 'webkit';
export const ENGINES: readonly Engine[] = ['chromium', 'firefox', 'webkit'];

/** The engines a run asks for: TEST_ENGINES=firefox,webkit for a subset, every engine by default. */
export function selectedEngines(value = process.env.TEST_ENGINES): Engine[] {
  if (!value) return [...ENGINES];
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !ENGINES.includes(name as Engine));
  if (unknown.length > 0) throw new Error(`TEST_ENGINES names ${unknown.join(', ')}; the engines are ${ENGINES.join(', ')}.`);
  return names as Engine[];
}

/** Debian's Firefox ESR, or FIREFOX_PATH. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Preferences of every Firefox run: a synthetic camera whose permission is granted without a
 * prompt (Chromium's --use-fake-device-for-media-stream), and no first-run or update traffic.
 */
export const FIREFOX_PREFS: Readonly<Record<string, unknown>> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
};

/** WebKitGTK's WebDriver and its MiniBrowser (Debian's webkit2gtk-driver and libwebkit2gtk-4.1-0). */
export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/**
 * MiniBrowser's WebDriver capabilities. `--automation` is what lets WebKitWebDriver drive it.
 * `--full-screen` hides its toolbar (38 px tall, and never narrower than 447 px), so the window
 * size WebDriver sets is the viewport, a 390 px phone included; with no window manager on the
 * virtual display the window still takes any size. The mock capture devices are WebKit's
 * synthetic camera (a WebKitSettings property that MiniBrowser takes as a flag).
 */
export function webkitCapabilities(): Record<string, unknown> {
  return {
    browserName: 'MiniBrowser',
    // webdriverio 9 asks for a WebDriver BiDi socket by default, which WebKitWebDriver does not
    // offer ("Failed to match capabilities"): classic WebDriver only.
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': {
      binary: MINIBROWSER_PATH,
      args: ['--automation', '--full-screen', '--enable-mock-capture-devices=true', '--enable-media-stream=true'],
    },
  };
}

/** A free loopback port, for a driver that must be told where to listen. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A running WebKitWebDriver (under xvfb-run) and how to stop it. */
export interface WebKitDriver {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts WebKitWebDriver on a free loopback port inside `xvfb-run -a` (MiniBrowser is a GTK
 * program and needs an X display; xvfb-run gives it a private one), and resolves once the
 * driver answers /status. stop() ends the driver, after which xvfb-run stops its X server and
 * removes its files itself; the whole process group is killed only if that does not happen.
 */
export async function startWebKitDriver(options: { timeoutMs?: number } = {}): Promise<WebKitDriver> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const port = await freePort();
  // The shell reports its pid and then becomes the driver, so stop() can end the driver alone.
  const script = `echo "driver-pid $$" >&2; exec "$0" --port=${port} --host=127.0.0.1`;
  // The screen holds the largest viewport a test asks for (1920x1080, a common desktop): a window
  // larger than its screen is cut to it.
  const child: ChildProcess = spawn('xvfb-run', ['-a', '-s', '-screen 0 1920x1200x24', 'sh', '-c', script, WEBKIT_DRIVER_PATH], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };
  let stderr = '';
  let driverPid: number | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
    driverPid ??= Number(/driver-pid (\d+)/.exec(stderr)?.[1]) || undefined;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The driver runs in a process group of its own, which does not end with this process: if the
  // run is interrupted (Ctrl+C, a timeout) before stop(), the group is ended on the way out.
  const onExit = () => signal(driverPid ?? -child.pid!, 'SIGTERM');
  process.once('exit', onExit);
  void exited.then(() => process.off('exit', onExit));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    if (driverPid) signal(driverPid, 'SIGTERM');
    else signal(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => signal(-child.pid!, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited (${child.exitCode}) before answering: ${stderr.trim()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      if (response.ok) return { port, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`WebKitWebDriver did not answer on port ${port} within ${timeoutMs} ms: ${stderr.trim()}`);
}
