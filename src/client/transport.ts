/**
 * How submitJob sends its POST. fetch has no upload progress, so in a browser the request goes
 * through XMLHttpRequest (its `upload.onprogress`); outside one (Node tests, workers without
 * XHR) or when a fetch is injected, fetch does the same job and reports the upload as done once
 * the answer arrives.
 */

/** What the submit loop needs of an HTTP answer. */
export interface TransportResponse {
  ok: boolean;
  status: number;
  header(name: string): string | null;
  /** The body parsed as JSON; null when it is not JSON. */
  json: unknown;
}

export interface TransportRequest {
  url: string;
  body: FormData;
  headers: Record<string, string>;
  signal: AbortSignal | undefined;
  /** Fraction of the body sent, 0..1; called as it goes and with 1 once it is all sent. */
  onUploadProgress: ((fraction: number) => void) | undefined;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A transport on fetch: upload progress jumps from 0 to 1 when the answer arrives. */
export function fetchTransport(doFetch: typeof fetch): Transport {
  return async ({ url, body, headers, signal, onUploadProgress }) => {
    onUploadProgress?.(0);
    const response = await doFetch(url, { method: 'POST', body, headers, signal: signal ?? null, credentials: 'same-origin' });
    onUploadProgress?.(1);
    let json: unknown = null;
    try {
      json = await response.json();
    } catch {
      json = null;
    }
    return { ok: response.ok, status: response.status, header: (name) => response.headers.get(name), json };
  };
}

/**
 * A transport on XMLHttpRequest with real upload progress. Rejects like fetch does: a TypeError
 * when no answer arrives, the signal's reason when aborted.
 */
export const xhrTransport: Transport = ({ url, body, headers, signal, onUploadProgress }) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const cleanup = () => signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', url);
    // Same as fetch's credentials: 'same-origin' (cookies only to the page's own origin).
    xhr.withCredentials = false;
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    if (onUploadProgress) {
      // Upload listeners must be attached before send() or the browser skips the upload events.
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) onUploadProgress(Math.min(1, event.loaded / event.total));
      });
      xhr.upload.addEventListener('load', () => onUploadProgress(1));
    }
    xhr.addEventListener('load', () => {
      cleanup();
      onUploadProgress?.(1);
      resolve({
        ok: xhr.status >= 200 && xhr.status < 300,
        status: xhr.status,
        header: (name) => xhr.getResponseHeader(name),
        json: parseJson(xhr.responseText),
      });
    });
    xhr.addEventListener('error', () => {
      cleanup();
      reject(new TypeError('Failed to fetch'));
    });
    xhr.addEventListener('timeout', () => {
      cleanup();
      reject(new TypeError('Failed to fetch'));
    });
    xhr.addEventListener('abort', () => {
      cleanup();
      reject(signal?.reason ?? new DOMException('The request was aborted.', 'AbortError'));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    onUploadProgress?.(0);
    // abort() before send() fires nothing and send() would still go out.
    if (signal?.aborted) {
      cleanup();
      return reject(signal.reason);
    }
    xhr.send(body);
  });

/** The transport submitJob uses when none is injected. */
export function defaultTransport(injectedFetch: typeof fetch | undefined): Transport {
  if (injectedFetch) return fetchTransport(injectedFetch);
  if (typeof XMLHttpRequest === 'function') return xhrTransport;
  return fetchTransport(globalThis.fetch.bind(globalThis));
}
