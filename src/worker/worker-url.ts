/**
 * Where the photo worker's script lives when the bundler's own `new Worker(new URL(...))` is
 * not the answer. Kept apart from index.ts, with no imports, so the script-tag entry can name
 * its worker up front without pulling the worker wrapper (and comlink) into the first load.
 */
let defaultUrl: string | URL | undefined;

/**
 * Sets the worker script URL used when none was given with `setPhotoWorkerUrl`. The script-tag
 * build calls it with the URL of the worker it ships; a later `setPhotoWorkerUrl` wins.
 */
export function setDefaultPhotoWorkerUrl(url: string | URL | undefined): void {
  defaultUrl = url;
}

/** The URL set by {@link setDefaultPhotoWorkerUrl}, if any. */
export function defaultPhotoWorkerUrl(): string | URL | undefined {
  return defaultUrl;
}

/**
 * Browsers refuse to start a worker from another origin (a widget served by a CDN), so such a
 * script is started through a same-origin `blob:` module whose only line imports it; the import
 * itself is a CORS request, which CDNs and Shopify's asset host allow. Returns the URL to give
 * `new Worker(url, { type: 'module' })` and, for a blob, the object URL to revoke later.
 */
export function workerScriptFor(url: URL, pageOrigin: string): { scriptUrl: URL | string; objectUrl: string | undefined } {
  if (url.origin === pageOrigin || url.protocol === 'blob:' || url.protocol === 'data:') {
    return { scriptUrl: url, objectUrl: undefined };
  }
  const shim = new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' });
  const objectUrl = URL.createObjectURL(shim);
  return { scriptUrl: objectUrl, objectUrl };
}
