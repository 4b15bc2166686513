/**
 * A local stand-in for Cloudflare Turnstile, both halves of its documented API:
 *
 * - the client script (`api.js`, served from fixtures/turnstile-api.js) with `turnstile.render`,
 *   `reset`, `remove`, `getResponse`; its widgets get their tokens from `POST /issue` here, as the
 *   real widget gets them from Cloudflare after the challenge;
 * - siteverify: `POST` form `secret`, `response`, optional `remoteip` and `idempotency_key`;
 *   answers `{ success, challenge_ts, hostname, action, cdata, error-codes }`.
 *
 * A third address stands for Cloudflare's script not loading: it answers 404, at once or when
 * the test releases it.
 *
 * Tokens are bound to the sitekey, action and page hostname they were issued for, are
 * single-use (`timeout-or-duplicate` the second time, unless the same idempotency key asks
 * again) and expire after 300 s. Everything is recorded so tests can see which tokens were
 * issued and verified.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FAKE_SITEKEY } from './turnstile-fake-config.ts';

export const FAKE_SECRET = '0x4AAAAAAAFakeTryOnSecret_do_not_leak';
/** Where the endpoint under test sends siteverify calls (answered in-process by `fetch`). */
export const FAKE_SITEVERIFY_URL = 'https://turnstile-fake.invalid/turnstile/v0/siteverify';

const TOKEN_LIFETIME_MS = 300_000;
// A stalled load a test did not release still ends by itself (after the element's 15 s load timeout).
const STALL_LIMIT_MS = 20_000;
// Cloudflare's limit on `action`: up to 32 alphanumerics, `-` and `_`.
const ACTION_PATTERN = /^[\w-]{0,32}$/;

export interface IssuedToken {
  token: string;
  sitekey: string;
  action: string;
  cdata: string;
  hostname: string;
  issuedAt: number;
  /** The idempotency key of the siteverify call that spent it. */
  spentBy?: string;
  expired?: boolean;
}

export interface Verification {
  token: string;
  success: boolean;
  errorCodes: string[];
}

export class TurnstileFake {
  readonly issued = new Map<string, IssuedToken>();
  readonly verifications: Verification[] = [];
  scriptRequests = 0;
  /** Loads of the script address that does not load (FAKE_UNAVAILABLE_SCRIPT_PATH). */
  unavailableRequests = 0;
  readonly #stalled = new Set<() => void>();
  readonly #script = readFileSync(new URL('./fixtures/turnstile-api.js', import.meta.url), 'utf8');

  /** The client script, as `GET /turnstile/v0/api.js` would serve it. */
  script(): string {
    this.scriptRequests++;
    return this.#script;
  }

  /**
   * A load of the script that does not load: resolves when it should fail (the caller answers
   * 404), at once or, `stall`ed, on `release()` (or after STALL_LIMIT_MS), so a test can act
   * while the load is still in flight.
   */
  unavailable(stall: boolean): Promise<void> {
    this.unavailableRequests++;
    if (!stall) return Promise.resolve();
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.#stalled.delete(release);
        resolve();
      };
      const timer = setTimeout(release, STALL_LIMIT_MS);
      this.#stalled.add(release);
    });
  }

  /** Every stalled load fails now. */
  release(): void {
    for (const release of [...this.#stalled]) release();
  }

  /**
   * What Cloudflare does once a visitor passed the challenge: a token for this sitekey, action and
   * the hostname of the page the widget is on (taken from the request's Origin, not the body).
   */
  issue(body: { sitekey?: unknown; action?: unknown; cData?: unknown }, origin: string | undefined): { status: number; body: object } {
    if (body.sitekey !== FAKE_SITEKEY) return { status: 400, body: { code: '110100' } };
    const action = body.action === undefined ? '' : String(body.action);
    if (!ACTION_PATTERN.test(action)) return { status: 400, body: { code: '110101' } };
    if (!origin) return { status: 400, body: { code: '110200' } };
    const token = `0.${randomBytes(48).toString('base64url')}`;
    this.issued.set(token, {
      token,
      sitekey: body.sitekey,
      action,
      cdata: body.cData === undefined ? '' : String(body.cData),
      hostname: new URL(origin).hostname,
      issuedAt: Date.now(),
    });
    return { status: 200, body: { token } };
  }

  /** Every token issued so far stops working, as if the shopper had waited more than 300 s. */
  expireAll(): void {
    for (const entry of this.issued.values()) entry.expired = true;
  }

  /** siteverify. */
  async siteverify(request: Request): Promise<Response> {
    if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405 });
    const form = new URLSearchParams(await request.text());
    const answer = this.#verify(form);
    this.verifications.push({ token: form.get('response') ?? '', success: answer.success, errorCodes: answer['error-codes'] });
    return Response.json(answer);
  }

  #verify(form: URLSearchParams): {
    success: boolean;
    'error-codes': string[];
    challenge_ts?: string;
    hostname?: string;
    action?: string;
    cdata?: string;
  } {
    const secret = form.get('secret');
    if (!secret) return { success: false, 'error-codes': ['missing-input-secret'] };
    if (secret !== FAKE_SECRET) return { success: false, 'error-codes': ['invalid-input-secret'] };
    const token = form.get('response');
    if (!token) return { success: false, 'error-codes': ['missing-input-response'] };
    const entry = this.issued.get(token);
    if (!entry) return { success: false, 'error-codes': ['invalid-input-response'] };
    const key = form.get('idempotency_key') ?? undefined;
    const repeat = entry.spentBy !== undefined && key !== undefined && entry.spentBy === key;
    if (!repeat && (entry.spentBy !== undefined || entry.expired || Date.now() - entry.issuedAt > TOKEN_LIFETIME_MS)) {
      return { success: false, 'error-codes': ['timeout-or-duplicate'] };
    }
    entry.spentBy = key ?? 'spent';
    return {
      success: true,
      challenge_ts: new Date(entry.issuedAt).toISOString(),
      hostname: entry.hostname,
      action: entry.action,
      cdata: entry.cdata,
      'error-codes': [],
    };
  }

  /** A fetch that answers siteverify in-process and passes every other request on. */
  fetchFor(next: typeof fetch): typeof fetch {
    return (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.url === FAKE_SITEVERIFY_URL) return this.siteverify(request);
      return next(input, init);
    }) as typeof fetch;
  }

  /** What tests read: script loads (working and not, and how many of the latter hang now), issued tokens (oldest first) and every siteverify call. */
  report(): {
    scriptRequests: number;
    unavailable: { requests: number; stalled: number };
    issued: IssuedToken[];
    verifications: Verification[];
  } {
    return {
      scriptRequests: this.scriptRequests,
      unavailable: { requests: this.unavailableRequests, stalled: this.#stalled.size },
      issued: [...this.issued.values()],
      verifications: this.verifications,
    };
  }
}
