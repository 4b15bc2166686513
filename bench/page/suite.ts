/**
 * Page cost bench (issue 7): the demo product page with the widget against the same page with the
 * widget's script tag and element cut out, each loaded fresh (empty cache) at 4x CPU throttle.
 * Measures gzip bytes from the network before the button is used, main-thread time (Chromium
 * tracing: top-level tasks, and the widget's own script events), layout shift caused by the
 * button, and the time from a click to an interactive panel.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium, throttle } from '../lib/chromium.ts';
import { median } from '../lib/stats.ts';
import { startGzipDemo } from './server.ts';

export interface PageBenchOptions {
  /** Fresh loads per variant. */
  iterations: number;
  cpuRate: number;
  log?: (line: string) => void;
}

export interface LoadSample {
  /** Bytes over the network (compressed bodies + headers), all resources including the document. */
  transferBytes: number;
  /** Of which the widget's files (/cdn/). */
  widgetTransferBytes: number;
  /** Compressed bodies of the widget's files only. */
  widgetEncodedBytes: number;
  widgetFiles: string[];
  /** The page's main thread, busy time of top-level tasks from navigation to load + 500 ms (and the button rendered). */
  mainThreadMs: number;
  /** Of which script: compile, evaluate, calls, microtasks. */
  scriptMs: number;
  /** Of which style, layout and paint. */
  styleLayoutMs: number;
  /** Compile and function calls that the trace names with a /cdn/ URL (module evaluation carries no URL, so this is a lower bound). */
  widgetScriptMs: number;
  /** Main-thread busy time (trace) between the two marks: the widget's evaluate, define and first render, without waiting for the network. */
  defineAndRenderBusyMs: number;
  /** Performance API: from just before the widget's module script runs to just after (evaluate, define, first render). */
  defineAndRenderMs: number;
  /** What moved in each layout shift (element.class). */
  shifted: string[][];
  cls: number;
  /** Layout shift whose sources include the button or its ancestors' box changing because of it. */
  clsFromButton: number;
}

export interface PanelSample {
  /** From the click to an open panel with a usable consent checkbox, painted. */
  clickToInteractiveMs: number;
  /** Compressed bytes fetched because of the click (the panel's lazy chunk). */
  panelTransferBytes: number;
  panelFiles: string[];
  longTasks: number;
}

export interface PageReport {
  cpuRate: number;
  widget: LoadSample[];
  bare: LoadSample[];
  panel: PanelSample[];
  summary: {
    widgetTransferBytes: number;
    widgetEncodedBytes: number;
    addedTransferBytes: number;
    mainThreadWidgetMs: number;
    mainThreadBareMs: number;
    addedMainThreadMs: number;
    addedScriptMs: number;
    addedStyleLayoutMs: number;
    widgetScriptMs: number;
    defineAndRenderMs: number;
    defineAndRenderBareMs: number;
    defineAndRenderBusyMs: number;
    defineAndRenderBusyBareMs: number;
    clsFromButton: number;
    clsWidget: number;
    clsBare: number;
    clickToInteractiveMs: number;
    panelTransferBytes: number;
  };
}

const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'toplevel',
  'v8.execute',
  'v8',
  'blink.user_timing',
  'blink',
];

/** Collects layout shifts and marks the moment the button has rendered, from before any page script runs. */
function initScript(): void {
  const w = window as unknown as { __bench: { shifts: { value: number; fromButton: boolean; nodes: string[] }[]; rendered?: number } };
  w.__bench = { shifts: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean; sources?: { node?: Node }[] }[]) {
      if (entry.hadRecentInput) continue;
      const button = document.querySelector('try-on-button');
      const fromButton =
        !!button &&
        (entry.sources ?? []).some((s) => !!s.node && (s.node === button || button.contains(s.node) || s.node.contains(button)));
      const nodes = (entry.sources ?? []).map((s) =>
        s.node instanceof Element ? `${s.node.localName}.${s.node.className}` : String(s.node?.nodeName),
      );
      w.__bench.shifts.push({ value: entry.value, fromButton, nodes });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  void customElements.whenDefined('try-on-button').then(async () => {
    const el = document.querySelector('try-on-button') as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
    await el?.updateComplete;
    // The render is on screen after the next frame.
    requestAnimationFrame(() => setTimeout(() => (w.__bench.rendered = performance.now()), 0));
  });
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  cat: string;
  args?: { name?: string; data?: { url?: string; frame?: string } };
}

/** Union length of [start, end) intervals, in the intervals' unit. */
function unionLength(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total;
}

const SCRIPT_EVENTS = new Set([
  'EvaluateScript',
  'v8.evaluateModule',
  'v8.compileModule',
  'v8.compile',
  'FunctionCall',
  'RunMicrotasks',
  'v8.callFunction',
]);
const STYLE_LAYOUT_EVENTS = new Set(['UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'Commit']);

/** Main-thread figures of the page's own renderer (other renderers, e.g. browser UI, are ignored). */
function analyseTrace(buffer: Buffer): {
  mainThreadMs: number;
  scriptMs: number;
  styleLayoutMs: number;
  widgetScriptMs: number;
  defineAndRenderBusyMs: number;
} {
  const { traceEvents } = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] };
  const started = traceEvents.find((e) => e.name === 'TracingStartedInBrowser') as
    { args?: { data?: { frames?: { processId: number; isOutermostMainFrame?: boolean }[] } } } | undefined;
  const pid = started?.args?.data?.frames?.find((f) => f.isOutermostMainFrame)?.processId;
  const main = traceEvents.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === pid);
  if (!main) throw new Error('the trace has no main thread for the page');
  const onMain = traceEvents.filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.dur !== undefined);
  const total = (events: TraceEvent[]) => unionLength(events.map((e) => [e.ts, e.ts + e.dur!])) / 1000;
  const tasks = onMain.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const mark = (name: string) => traceEvents.find((e) => e.name === name && e.pid === main.pid)?.ts;
  const from = mark('widget-start');
  const to = mark('widget-end');
  if (from === undefined || to === undefined) throw new Error('the trace lacks the widget-start/widget-end marks');
  const clipped: [number, number][] = tasks
    .map((e): [number, number] => [Math.max(e.ts, from), Math.min(e.ts + e.dur!, to)])
    .filter(([a, b]) => b > a);
  return {
    // Busy time of the main thread while the widget's script was due: its share of the CPU, not the network wait.
    defineAndRenderBusyMs: unionLength(clipped) / 1000,
    mainThreadMs: total(tasks),
    scriptMs: total(onMain.filter((e) => SCRIPT_EVENTS.has(e.name))),
    styleLayoutMs: total(onMain.filter((e) => STYLE_LAYOUT_EVENTS.has(e.name))),
    widgetScriptMs: total(
      onMain.filter((e) => (e.name === 'v8.compileModule' || e.name === 'FunctionCall') && (e.args?.data?.url ?? '').includes('/cdn/')),
    ),
  };
}

const WIDGET_SCRIPT = '<script type="module" src="/cdn/try-on-button.js"></script>';

/**
 * Brackets the widget's script tag with two inline module scripts that set performance marks.
 * Module scripts run in document order with a microtask checkpoint after each, so the span
 * between the marks is the widget's evaluation, its define and the button's first Lit render.
 * Without the widget the tag stays (the store's own script sets its attributes) but the script
 * goes: an empty unknown element, which is exactly a page without the widget.
 */
async function rewritePage(page: Page, origin: string, withWidget: boolean): Promise<void> {
  await page.route(`${origin}`, async (route) => {
    const response = await route.fetch();
    const html = await response.text();
    if (!html.includes(WIDGET_SCRIPT)) throw new Error('the demo page no longer loads the widget as expected');
    const marks = (inner: string) =>
      `<script type="module">performance.mark('widget-start')</script>${inner}<script type="module">performance.mark('widget-end')</script>`;
    await route.fulfill({ response, body: html.replace(WIDGET_SCRIPT, marks(withWidget ? WIDGET_SCRIPT : '')) });
  });
}

async function loadOnce(browser: Browser, url: string, withWidget: boolean, cpuRate: number): Promise<{ sample: LoadSample; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await rewritePage(page, url, withWidget);
  await page.addInitScript(initScript);
  await throttle(page, cpuRate);
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  await page.goto(url, { waitUntil: 'load' });
  if (withWidget)
    await page.waitForFunction(() => (window as unknown as { __bench: { rendered?: number } }).__bench.rendered !== undefined);
  // Let late shifts (fonts, images) land before reading the totals.
  await page.waitForTimeout(500);
  const trace = await browser.stopTracing();
  const measured = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const widget = entries.filter((e) => new URL(e.name).pathname.startsWith('/cdn/'));
    const b = (window as unknown as { __bench: { shifts: { value: number; fromButton: boolean; nodes: string[] }[] } }).__bench;
    return {
      transferBytes: nav.transferSize + entries.reduce((n, e) => n + e.transferSize, 0),
      widgetTransferBytes: widget.reduce((n, e) => n + e.transferSize, 0),
      widgetEncodedBytes: widget.reduce((n, e) => n + e.encodedBodySize, 0),
      widgetFiles: widget.map((e) => new URL(e.name).pathname),
      defineAndRenderMs: performance.measure('widget', 'widget-start', 'widget-end').duration,
      shifted: b.shifts.map((s) => s.nodes),
      cls: b.shifts.reduce((n, s) => n + s.value, 0),
      clsFromButton: b.shifts.filter((s) => s.fromButton).reduce((n, s) => n + s.value, 0),
    };
  });
  return { sample: { ...measured, ...analyseTrace(trace) }, page };
}

async function openPanel(page: Page): Promise<PanelSample> {
  return page.evaluate(async () => {
    const el = document.querySelector('try-on-button') as HTMLElement;
    const root = el.shadowRoot!;
    const before = new Set(performance.getEntriesByType('resource').map((e) => e.name));
    const longTasks: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
    observer.observe({ type: 'longtask' });
    const opened = new Promise((resolve) => el.addEventListener('try-on-open', resolve, { once: true }));
    const t0 = performance.now();
    // A direct click, no hover first: the panel's code is not preloaded (a phone tap's worst case).
    (root.querySelector('[part="button"]') as HTMLButtonElement).click();
    await opened;
    for (;;) {
      const box = root.querySelector('[part="consent-checkbox"]') as HTMLInputElement | null;
      const panel = root.querySelector('[part="panel"]') as HTMLElement | null;
      if (box && !box.disabled && panel && panel.getBoundingClientRect().height > 0) break;
      await new Promise((r) => requestAnimationFrame(r));
    }
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const t1 = performance.now();
    await new Promise((r) => setTimeout(r, 100));
    observer.disconnect();
    const fetched = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => !before.has(e.name));
    return {
      clickToInteractiveMs: t1 - t0,
      panelTransferBytes: fetched.reduce((n, e) => n + e.transferSize, 0),
      panelFiles: fetched.map((e) => new URL(e.name).pathname),
      longTasks: longTasks.filter((t) => t.startTime >= t0 && t.startTime < t1).length,
    };
  });
}

export async function runPageBench(options: PageBenchOptions): Promise<PageReport> {
  const log = options.log ?? (() => {});
  const server = await startGzipDemo();
  const browser = await launchChromium();
  const report: PageReport = { cpuRate: options.cpuRate, widget: [], bare: [], panel: [], summary: undefined as never };
  try {
    // One unmeasured load of each warms the server and the browser's own caches of code.
    for (let round = 0; round <= options.iterations; round++) {
      for (const withWidget of [true, false]) {
        const { sample, page } = await loadOnce(browser, server.url, withWidget, options.cpuRate);
        if (withWidget) {
          const panel = await openPanel(page);
          if (round > 0) report.panel.push(panel);
        }
        await page.context().close();
        if (round > 0) (withWidget ? report.widget : report.bare).push(sample);
      }
      if (round > 0) log(`page: load ${round}/${options.iterations} done`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const m = (rows: { [k: string]: unknown }[], key: string) => median(rows.map((r) => r[key] as number));
  const w = report.widget as unknown as { [k: string]: unknown }[];
  const b = report.bare as unknown as { [k: string]: unknown }[];
  const p = report.panel as unknown as { [k: string]: unknown }[];
  report.summary = {
    widgetTransferBytes: m(w, 'widgetTransferBytes'),
    widgetEncodedBytes: m(w, 'widgetEncodedBytes'),
    addedTransferBytes: m(w, 'transferBytes') - m(b, 'transferBytes'),
    mainThreadWidgetMs: m(w, 'mainThreadMs'),
    mainThreadBareMs: m(b, 'mainThreadMs'),
    addedMainThreadMs: m(w, 'mainThreadMs') - m(b, 'mainThreadMs'),
    addedScriptMs: m(w, 'scriptMs') - m(b, 'scriptMs'),
    addedStyleLayoutMs: m(w, 'styleLayoutMs') - m(b, 'styleLayoutMs'),
    widgetScriptMs: m(w, 'widgetScriptMs'),
    defineAndRenderMs: m(w, 'defineAndRenderMs'),
    defineAndRenderBareMs: m(b, 'defineAndRenderMs'),
    defineAndRenderBusyMs: m(w, 'defineAndRenderBusyMs'),
    defineAndRenderBusyBareMs: m(b, 'defineAndRenderBusyMs'),
    clsFromButton: Math.max(...report.widget.map((s) => s.clsFromButton)),
    clsWidget: Math.max(...report.widget.map((s) => s.cls)),
    clsBare: Math.max(...report.bare.map((s) => s.cls)),
    clickToInteractiveMs: m(p, 'clickToInteractiveMs'),
    panelTransferBytes: m(p, 'panelTransferBytes'),
  };
  return report;
}
