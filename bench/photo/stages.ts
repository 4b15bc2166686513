/** Page side of bench/photo/stage-worker.ts: one worker, one file at a time. */
import { LIMITS } from '../../src/protocol.ts';
import type { StageTimes } from './stage-worker.ts';

export type { StageTimes };

const worker = new Worker(new URL('./stage-worker.ts', import.meta.url), { type: 'module' });

/** Median of three of each step, in a worker, for `file` (one call at a time). */
export function stages(file: File, runs = 3): Promise<StageTimes> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ times?: StageTimes; error?: string }>) =>
      event.data.times ? resolve(event.data.times) : reject(new Error(event.data.error));
    worker.postMessage({ file, maxLongEdge: LIMITS.photoLongEdge, runs });
  });
}
