/**
 * A scripted stand-in for the endpoint's HTTP answers, for driving the client's loops under fake
 * timers: each call takes the next scripted answer (protocol JSON, a status, or a network
 * failure) and records when it was made and what was sent.
 */
export type Scripted =
  { json: unknown; status?: number; headers?: Record<string, string> } | { text: string; status: number } | { networkError: true };

export interface RecordedCall {
  at: number;
  url: string;
  method: string;
  headers: Headers;
  body: BodyInit | null | undefined;
}

export function scriptedFetch(script: Scripted[]) {
  const calls: RecordedCall[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    init.signal?.throwIfAborted();
    calls.push({ at: Date.now(), url: String(input), method: init.method ?? 'GET', headers: new Headers(init.headers), body: init.body });
    const next = script.shift();
    if (!next) throw new Error(`scriptedFetch: no answer scripted for call ${calls.length}`);
    if ('networkError' in next) throw new TypeError('Failed to fetch');
    if ('text' in next) return new Response(next.text, { status: next.status, headers: { 'content-type': 'text/html' } });
    return Response.json(next.json, { status: next.status ?? 200, ...(next.headers && { headers: next.headers }) });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

/** A page whose visibility the test flips. */
export function fakeVisibility(hidden = false) {
  const listeners = new Set<() => void>();
  return {
    hidden,
    isHidden() {
      return this.hidden;
    },
    onChange(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(value: boolean) {
      this.hidden = value;
      for (const listener of [...listeners]) listener();
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}
