/**
 * What the limits themselves allow: the time to result of each shopper under an ideal scheduler
 * that knows Vtry's documented limits exactly and learns every job's end the instant it happens
 * (no status read needed). It is the bound the busy-minute scene is measured against.
 *
 * Each shopper needs a person (write), its compose (generate, one job of `D` = queued +
 * processing), then a generation (generate, and one of the `concurrency` slots for `D`); the
 * garment's clothes item (generate, one job) is made once for everyone. The generate budget is
 * counted as the fake (and Vtry's "10 requests / minute") counts it: at most `generate` calls
 * in a window that opens at its first call and lasts a minute. Work is granted in the fair
 * queue's order: the earliest shopper's next step first.
 */
export interface SceneTiming {
  queuedMs: number;
  processingMs: number;
}

export interface SceneLimits {
  write: number;
  generate: number;
  concurrency: number;
}

/** Seconds from each shopper's start to its result; shopper i starts at i × `spacingMs`. */
export function idealSchedule(shoppers: number, timing: SceneTiming, limits: SceneLimits, spacingMs: number): number[] {
  const D = timing.queuedMs + timing.processingMs;
  const step = 50;
  const window = { start: -Infinity, count: 0 };
  const take = (t: number) => {
    if (t - window.start >= 60_000) {
      window.start = t;
      window.count = 0;
    }
    if (window.count >= limits.generate) return false;
    window.count++;
    return true;
  };
  const arrive = (i: number) => i * spacingMs;
  const composeDone: (number | undefined)[] = Array.from({ length: shoppers }, () => undefined);
  const genEnd: (number | undefined)[] = Array.from({ length: shoppers }, () => undefined);
  let clothesDone: number | undefined;
  const slots: number[] = [];
  // Person creation (write) is far under its budget here (12 of 30 a minute): granted on arrival.
  for (let t = 0; genEnd.some((e) => e === undefined); t += step) {
    for (let k = slots.length - 1; k >= 0; k--) if (slots[k]! <= t) slots.splice(k, 1);
    if (clothesDone === undefined && t >= arrive(0) && take(t)) clothesDone = t + D;
    for (let i = 0; i < shoppers; i++) {
      if (t < arrive(i)) break;
      if (composeDone[i] === undefined) {
        if (take(t)) composeDone[i] = t + D;
        continue;
      }
      if (genEnd[i] !== undefined) continue;
      if (composeDone[i]! <= t && clothesDone !== undefined && clothesDone <= t && slots.length < limits.concurrency && take(t)) {
        genEnd[i] = t + D;
        slots.push(t + D);
      }
    }
    if (t > 3_600_000) throw new Error('The ideal schedule did not finish within an hour: check the limits.');
  }
  return genEnd.map((end, i) => (end! - arrive(i)) / 1000);
}
