/** Abortable waiting primitives shared by the submit and poll loops. */

export { sleep } from '../shared/time.ts';

/** The page's visibility, as the poll loop needs it; injectable so the loop runs outside a page. */
export interface Visibility {
  isHidden(): boolean;
  /** Calls `listener` whenever visibility changes; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** The document's visibility, or "always visible" where there is no document (a worker, Node). */
export function documentVisibility(): Visibility {
  if (typeof document === 'undefined') return { isHidden: () => false, onChange: () => () => {} };
  return {
    isHidden: () => document.visibilityState === 'hidden',
    onChange(listener) {
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    },
  };
}

/**
 * Resolves once the page is visible (at once if it is). A hidden tab does not poll: the shopper
 * is not looking, and the endpoint and the provider are spared the load.
 */
export function whenVisible(visibility: Visibility, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (!visibility.isHidden()) return resolve();
    const onAbort = () => {
      unsubscribe();
      reject(signal!.reason);
    };
    const unsubscribe = visibility.onChange(() => {
      if (visibility.isHidden()) return;
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
