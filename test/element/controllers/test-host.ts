/**
 * A stand-in for <try-on-button> for the controllers' own tests: the TryOnHost contract on the
 * same ReactiveHost, with a trigger button, whatever `view` renders after it, and the events it
 * emitted recorded instead of dispatched.
 */
import { render, type TemplateResult } from 'lit/html.js';
import type { TryOnEventDetails, TryOnEventName, TryOnVariant } from '../../../src/element/events.ts';
import type { TryOnHost } from '../../../src/element/host.ts';
import type { TryOnStatus } from '../../../src/element/machine.ts';
import { ReactiveHost } from '../../../src/element/reactive-host.ts';
import type { TryOnStrings } from '../../../src/element/strings.ts';

export class TestHost extends ReactiveHost implements TryOnHost {
  endpoint = '/api/try-on';
  garment: string | undefined = '/test/element/fixtures/garment.png';
  category = 'top';
  product: string | undefined = 'controller-test';
  productName: string | undefined;
  size: string | undefined;
  variant: string | undefined;
  variantId: string | undefined;
  variants: readonly TryOnVariant[] | string | undefined;
  consentVersion = '2026-11';
  merchant: string | undefined;
  policyUrl: string | undefined;
  retention: string | undefined;
  turnstileSitekey: string | undefined;
  turnstileScript: string | undefined;
  strings: Partial<TryOnStrings> | undefined;
  status: TryOnStatus = 'idle';
  readonly renderRoot: ShadowRoot;
  readonly buttonElement: HTMLButtonElement;
  /** What renders after the button, re-rendered on every update. */
  view: () => TemplateResult | undefined = () => undefined;
  readonly events: { name: TryOnEventName; detail: unknown }[] = [];
  readonly #slot: HTMLElement;

  constructor() {
    super();
    this.renderRoot = this.attachShadow({ mode: 'open' });
    this.buttonElement = document.createElement('button');
    this.buttonElement.textContent = 'Try it on';
    this.#slot = document.createElement('div');
    this.renderRoot.append(this.buttonElement, this.#slot);
  }

  emit<K extends TryOnEventName>(name: K, detail: TryOnEventDetails[K]): boolean {
    this.events.push({ name, detail });
    return true;
  }

  protected update(): void {
    const view = this.view();
    if (view) render(view, this.#slot);
  }
}
customElements.define('controller-test-host', TestHost);

export function mountHost(): TestHost {
  return document.body.appendChild(document.createElement('controller-test-host') as TestHost);
}
