/**
 * The script-tag build's entry (`dist/cdn/try-on-button.js`): registers <try-on-button> and
 * names the photo worker this build ships, so the widget finds it even when the script is
 * served from a CDN on another origin than the page (see src/worker/worker-url.ts).
 * Built by Vite only: `?worker&url` is Vite's way to emit a worker and get its URL.
 */
import workerUrl from './worker/worker.ts?worker&url';
import { setDefaultPhotoWorkerUrl } from './worker/worker-url.ts';

// Resolved against this module, not the page: the worker sits next to the entry on the CDN.
setDefaultPhotoWorkerUrl(new URL(workerUrl, import.meta.url));

export * from './element/define.ts';
