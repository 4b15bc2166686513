/**
 * How the photo worker is started from a script on another origin (src/worker/worker-url.ts):
 * the browser test in package.test.ts runs it for real; this pins the decision and the shim.
 */
import { describe, expect, it } from 'vitest';
import { resolveObjectURL } from 'node:buffer';
import { defaultPhotoWorkerUrl, setDefaultPhotoWorkerUrl, workerScriptFor } from '../../src/worker/worker-url.ts';

describe('workerScriptFor', () => {
  it('starts a same-origin worker script directly', () => {
    const url = new URL('https://shop.example/cdn/chunks/worker-abc.js');
    expect(workerScriptFor(url, 'https://shop.example')).toEqual({ scriptUrl: url, objectUrl: undefined });
  });

  it('starts a worker on another origin through a blob: module that imports it', async () => {
    const url = new URL('https://cdn.shopify.com/extensions/x/assets/worker-abc.js?v=3');
    const { scriptUrl, objectUrl } = workerScriptFor(url, 'https://shop.example');
    expect(objectUrl).toMatch(/^blob:/);
    expect(scriptUrl).toBe(objectUrl);
    const blob = resolveObjectURL(objectUrl!);
    expect(blob?.type).toBe('text/javascript');
    expect(await blob!.text()).toBe('import "https://cdn.shopify.com/extensions/x/assets/worker-abc.js?v=3";\n');
    URL.revokeObjectURL(objectUrl!);
  });

  it('treats another port as another origin', () => {
    expect(workerScriptFor(new URL('http://127.0.0.1:4001/w.js'), 'http://127.0.0.1:4000').objectUrl).toMatch(/^blob:/);
  });

  it('remembers the default URL the script-tag entry sets', () => {
    expect(defaultPhotoWorkerUrl()).toBeUndefined();
    setDefaultPhotoWorkerUrl('https://cdn.example/w.js');
    expect(defaultPhotoWorkerUrl()).toBe('https://cdn.example/w.js');
    setDefaultPhotoWorkerUrl(undefined);
  });
});
