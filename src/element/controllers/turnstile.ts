/**
 * The security check before a submit, when the element has `turnstile-sitekey`: loads the
 * Turnstile gate (turnstile-gate.ts, its own chunk, with Cloudflare's script) as the panel opens,
 * so the token is earned while the shopper consents and picks a photo, and says whether a submit
 * is waiting for it ("Checking your browser…"). Without the attribute it does nothing and loads
 * nothing.
 */
import { turnstileUnavailable } from '../../client/errors.ts';
import type { TryOnHost } from '../host.ts';
import type { TurnstileGate } from './turnstile-gate.ts';

export class TurnstileCheck {
  readonly #host: TryOnHost;
  readonly #language: () => string;
  #gate: Promise<TurnstileGate> | undefined;
  #checking = false;

  /** `language`: the panel's language, for the widget's texts. */
  constructor(host: TryOnHost, language: () => string) {
    this.#host = host;
    this.#language = language;
  }

  /** A submit is waiting for the token. */
  get checking(): boolean {
    return this.#checking;
  }

  /** The panel opened: start earning a token now. A failure is reported on submit, which tries again. */
  prepare(): void {
    if (this.#host.turnstileSitekey) this.#load().catch(() => {});
  }

  /**
   * Resolves once a token is ready (at once without Turnstile). Meanwhile `checking` is true.
   * @throws ClientError `turnstile_unavailable` or `turnstile_failed`; the signal's reason on abort.
   */
  async ready(signal: AbortSignal): Promise<void> {
    if (!this.#host.turnstileSitekey) return;
    this.#checking = true;
    this.#host.requestUpdate();
    try {
      await (await this.#load()).whenReady(signal);
    } finally {
      this.#checking = false;
      this.#host.requestUpdate();
    }
  }

  /** What a submit calls before every attempt for a fresh single-use token; none without Turnstile. */
  async tokens(): Promise<((signal: AbortSignal) => Promise<string>) | undefined> {
    if (!this.#host.turnstileSitekey) return undefined;
    const gate = await this.#load();
    return (signal) => gate.take(signal);
  }

  #load(): Promise<TurnstileGate> {
    this.#gate ??= import('./turnstile-gate.ts').then(
      (module) => new module.TurnstileGate(this.#host, this.#language),
      () => {
        this.#gate = undefined;
        throw turnstileUnavailable();
      },
    );
    return this.#gate;
  }
}
