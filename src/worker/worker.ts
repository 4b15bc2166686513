/**
 * Entry of the photo worker, loaded by index.ts as a module worker. Exposes the pipeline over
 * Comlink; resized bitmaps are transferred, not copied.
 */
import * as Comlink from 'comlink';
import { processInWorker, type WorkerRequest, type WorkerResult } from './process.ts';

const api = {
  async process(file: Blob, request: WorkerRequest): Promise<WorkerResult> {
    const result = await processInWorker(file, request);
    return result.ok && result.kind === 'bitmap' ? Comlink.transfer(result, [result.bitmap]) : result;
  },
};

/** The API as seen through `Comlink.wrap` on the main thread. */
export type PhotoWorkerApi = typeof api;

Comlink.expose(api);
