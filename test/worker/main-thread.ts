/**
 * Watching the main thread while the photo is processed, in every engine. Where the engine
 * reports long tasks (Chromium: PerformanceObserver 'longtask'), those are counted. Gecko and
 * WebKit do not have that entry type, so there a requestAnimationFrame loop measures the gaps
 * between frames: a task that holds the main thread for 50 ms or more shows as a gap at least
 * that long. Used by test/worker/photo.browser.test.ts and the photo bench (bench/photo/page.ts).
 */

/** A task this long or longer is a long task (the Long Tasks API's threshold). */
export const LONG_TASK_MS = 50;

export interface MainThreadWatch {
  /** 'longtask': PerformanceObserver entries; 'raf-gap': frames further apart than LONG_TASK_MS. */
  method: 'longtask' | 'raf-gap';
  /** Long tasks seen (or frame gaps of LONG_TASK_MS or more). */
  longTasks: number;
  /** Their total duration (for gaps: the whole gap) in ms. */
  longTaskMs: number;
  /** The longest gap between animation frames (rAF) in ms, whatever the method. */
  worstFrameGapMs: number;
}

/** Whether this engine reports long tasks to PerformanceObserver. */
export function hasLongTaskApi(): boolean {
  return (PerformanceObserver.supportedEntryTypes ?? []).includes('longtask');
}

/**
 * Starts watching at the next animation frame, from which the first gap is measured: main-thread
 * work the caller starts once this resolves delays the frame after it and is counted. `stop()`
 * waits for late long-task entries and for the frame after the last task, then reports.
 */
export async function watchMainThread(): Promise<{ stop: () => Promise<MainThreadWatch> }> {
  const longTaskApi = hasLongTaskApi();
  const entries: PerformanceEntry[] = [];
  const observer = longTaskApi ? new PerformanceObserver((list) => entries.push(...list.getEntries())) : undefined;
  observer?.observe({ type: 'longtask' });
  const gaps: number[] = [];
  let last = await new Promise<number>((resolve) => requestAnimationFrame(resolve));
  let running = true;
  const frame = (now: number) => {
    gaps.push(now - last);
    last = now;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return {
    async stop() {
      // Long task entries are delivered asynchronously, and a gap ends only at the next frame.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => requestAnimationFrame(resolve));
      running = false;
      if (observer) {
        entries.push(...observer.takeRecords());
        observer.disconnect();
      }
      const longGaps = gaps.filter((gap) => gap >= LONG_TASK_MS);
      const worstFrameGapMs = Math.max(0, ...gaps);
      return longTaskApi
        ? { method: 'longtask', longTasks: entries.length, longTaskMs: entries.reduce((sum, e) => sum + e.duration, 0), worstFrameGapMs }
        : { method: 'raf-gap', longTasks: longGaps.length, longTaskMs: longGaps.reduce((sum, gap) => sum + gap, 0), worstFrameGapMs };
    },
  };
}
