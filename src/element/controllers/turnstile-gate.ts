/**
 * Cloudflare Turnstile before each submit, for endpoints that set `TRYON_TURNSTILE_SECRET`
 * (attribute `turnstile-sitekey`). The panel's TurnstileController (turnstile.ts) imports this
 * module only when the attribute is set, so a page without Turnstile loads neither it nor
 * Cloudflare's script.
 *
 * The widget renders with `appearance: 'interaction-only'`, so most shoppers never see it; it
 * earns its token while the shopper consents and picks a photo. Tokens are single-use: each
 * submit attempt takes the token and resets the widget, which starts earning the next one.
 */
import type { ReactiveController } from 'lit';
import { ClientError, turnstileUnavailable } from '../../client/errors.ts';
import type { TryOnHost } from '../host.ts';

/** Cloudflare's script, explicit rendering (no scan of the page for `.cf-turnstile`). */
export const TURNSTILE_SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';
/** The action the endpoint requires (TURNSTILE_ACTION in src/server/limits/turnstile.ts). */
export const TURNSTILE_ACTION = 'try-on';
/** The panel's slot the widget's container is assigned to. */
export const TURNSTILE_SLOT = 'turnstile';

// A stalled connection to Cloudflare must not leave the shopper waiting on a spinner forever.
const LOAD_TIMEOUT_MS = 15_000;

/** Render parameters of Cloudflare's documented client API (the ones this widget uses). */
interface RenderParams {
  sitekey: string;
  action: string;
  appearance: 'always' | 'execute' | 'interaction-only';
  theme: 'light' | 'dark' | 'auto';
  language: string;
  'response-field': boolean;
  callback: (token: string) => void;
  'expired-callback': () => void;
  'error-callback': (code: string) => boolean | void;
}

/** `window.turnstile` as Cloudflare documents it. */
export interface TurnstileApi {
  render(container: HTMLElement | string, params: RenderParams): string | null | undefined;
  reset(widgetId: string): void;
  remove(widgetId: string): void;
  getResponse(widgetId: string): string | undefined;
}

const pageTurnstile = (): TurnstileApi | undefined => (window as { turnstile?: TurnstileApi }).turnstile;

const failed = (): ClientError =>
  new ClientError({ code: 'turnstile_failed', message: 'We could not confirm this request came from a person. Please try again.' });

let loading: Promise<TurnstileApi> | undefined;

/**
 * Cloudflare's script, added to the page once; a page that already has Turnstile keeps its own.
 * A failed load is forgotten (and its tag removed) so the next attempt loads it again.
 * @throws ClientError `turnstile_unavailable` when it does not load (blocked, offline, timed out).
 */
export function loadTurnstile(src: string): Promise<TurnstileApi> {
  const present = pageTurnstile();
  if (present) return Promise.resolve(present);
  loading ??= new Promise<TurnstileApi>((resolve, reject) => {
    const script = document.createElement('script');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (api: TurnstileApi | undefined) => {
      clearTimeout(timer);
      script.onload = script.onerror = null;
      if (api) return resolve(api);
      script.remove();
      loading = undefined;
      reject(turnstileUnavailable());
    };
    timer = setTimeout(() => settle(undefined), LOAD_TIMEOUT_MS);
    script.onload = () => settle(pageTurnstile());
    script.onerror = () => settle(undefined);
    script.src = src;
    document.head.append(script);
  });
  return loading;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The Turnstile widget of one <try-on-button>. A Lit reactive controller: while the panel shows
 * its `turnstile` slot, a container assigned to it sits in the element's light DOM (Cloudflare's
 * script has been reported not to support containers inside shadow roots) with the widget in it;
 * when the panel closes both go.
 *
 * Imports nothing the element's entry imports: a module shared with it would be split into a
 * chunk of its own, one more request before first use.
 */
export class TurnstileGate implements ReactiveController {
  readonly #host: TryOnHost;
  readonly #language: () => string;
  #api: TurnstileApi | undefined;
  #container: HTMLElement | undefined;
  #sitekey: string | undefined;
  #widget: string | undefined;
  /** A token not yet sent. */
  #token: string | undefined;
  #failure: ClientError | undefined;
  readonly #waiters = new Set<Waiter>();

  /** `language`: the panel's language (a shipped locale), for the widget's texts. */
  constructor(host: TryOnHost, language: () => string) {
    this.#host = host;
    this.#language = language;
    host.addController(this);
    host.requestUpdate();
  }

  hostUpdated(): void {
    const shown = this.#host.renderRoot.querySelector(`slot[name="${TURNSTILE_SLOT}"]`) !== null;
    const sitekey = this.#host.turnstileSitekey;
    if (!shown || !sitekey) return this.#unmount();
    // Mounted already (and the page did not remove the container, nor change the sitekey).
    if (this.#container?.parentNode === this.#host && this.#sitekey === sitekey) return;
    this.#unmount();
    this.#mount(sitekey);
  }

  hostDisconnected(): void {
    this.#unmount();
  }

  /**
   * Resolves once a token is ready. After a failure (script not loaded, challenge error) it tries
   * again first, so the shopper's retry is a real one.
   * @throws ClientError `turnstile_unavailable` or `turnstile_failed`; the signal's reason on abort.
   */
  whenReady(signal: AbortSignal): Promise<void> {
    if (this.#token !== undefined) return Promise.resolve();
    if (this.#failure) this.#retry();
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * The token for one submit attempt (waiting for it if needed). The widget is reset at once, so
   * the next attempt's token is on its way while this one is checked.
   */
  async take(signal: AbortSignal): Promise<string> {
    await this.whenReady(signal);
    const token = this.#token!;
    this.#token = undefined;
    if (this.#api && this.#widget) this.#api.reset(this.#widget);
    return token;
  }

  #mount(sitekey: string): void {
    const container = document.createElement('div');
    container.slot = TURNSTILE_SLOT;
    container.className = 'try-on-turnstile';
    // Set through the CSSOM, which a page's CSP allows where style attributes are refused.
    container.style.display = 'flex';
    container.style.justifyContent = 'center';
    this.#host.append(container);
    this.#container = container;
    this.#sitekey = sitekey;
    this.#failure = undefined;
    const src = this.#host.turnstileScript || TURNSTILE_SCRIPT;
    loadTurnstile(src).then(
      (api) => {
        if (this.#container === container) this.#render(api, container, sitekey);
      },
      (error: unknown) => {
        if (this.#container === container) this.#fail(error instanceof ClientError ? error : turnstileUnavailable());
      },
    );
  }

  #render(api: TurnstileApi, container: HTMLElement, sitekey: string): void {
    const current = () => this.#container === container;
    try {
      this.#api = api;
      this.#widget =
        api.render(container, {
          sitekey,
          action: TURNSTILE_ACTION,
          appearance: 'interaction-only',
          theme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
          language: this.#language(),
          // The container is in the page's DOM, maybe inside the merchant's <form>: no hidden input there.
          'response-field': false,
          callback: (token) => {
            if (!current()) return;
            this.#token = token;
            this.#failure = undefined;
            for (const waiter of this.#waiters) waiter.resolve();
            this.#waiters.clear();
          },
          // Turnstile fetches a fresh token by itself; the old one must not be sent.
          'expired-callback': () => {
            if (current()) this.#token = undefined;
          },
          'error-callback': (code) => {
            if (!current()) return true;
            // The code tells the merchant what is wrong (110200: this domain is not allowed for the sitekey).
            console.warn(`[try-on-button] Cloudflare Turnstile reported error ${code}.`);
            this.#fail(failed());
            return true;
          },
        }) ?? undefined;
    } catch (error) {
      console.warn('[try-on-button] Cloudflare Turnstile could not render.', error);
      this.#fail(turnstileUnavailable());
    }
  }

  #fail(error: ClientError): void {
    this.#token = undefined;
    this.#failure = error;
    for (const waiter of this.#waiters) waiter.reject(error);
    this.#waiters.clear();
  }

  /** Another go after a failure: a fresh challenge, or the whole load again if it never rendered. */
  #retry(): void {
    const sitekey = this.#sitekey;
    if (this.#api && this.#widget) {
      this.#failure = undefined;
      this.#api.reset(this.#widget);
    } else if (sitekey && this.#container) {
      this.#unmount();
      this.#mount(sitekey);
    }
  }

  #unmount(): void {
    if (this.#api && this.#widget) {
      try {
        this.#api.remove(this.#widget);
      } catch {
        // Already gone with its container.
      }
    }
    this.#container?.remove();
    this.#container = undefined;
    this.#widget = undefined;
    this.#token = undefined;
    this.#failure = undefined;
  }
}
