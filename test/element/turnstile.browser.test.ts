/// <reference types="mocha" />
/**
 * Cloudflare Turnstile in the widget, against the real endpoint with Turnstile on
 * (/api/turnstile-try-on) and a local fake of both halves of Turnstile (test/element/turnstile-fake.ts,
 * fixtures/turnstile-api.js): the fake's siteverify accepts only tokens its client issued, once,
 * for this page's hostname and the action they were issued with.
 */
import { expect } from 'chai';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import { defaultStrings } from '../../src/element/strings.ts';
import { mount, nextEvent, part, pickFile, shopperPhoto, submitPhoto, until, untilStatus, openPanel, watchWarnings } from './helpers.ts';
import { FAKE_SCRIPT_URL, FAKE_SITEKEY, TURNSTILE_ENDPOINT } from './turnstile-fake-config.ts';

interface FakeControl {
  delayMs: number;
  renders: Array<Record<string, unknown>>;
  widgets: Map<string, { response: string | undefined; node: HTMLElement }>;
}
interface Report {
  scriptRequests: number;
  issued: Array<{ token: string; action: string; hostname: string; sitekey: string }>;
  verifications: Array<{ token: string; success: boolean; errorCodes: string[] }>;
}
interface SubmitRecord {
  base: string;
  key: string | null;
  status: number;
  token?: string | null;
}

const fake = (): FakeControl => (window as unknown as { __fakeTurnstile: FakeControl }).__fakeTurnstile;
const report = async (): Promise<Report> => (await fetch('/api/__test/turnstile')).json() as Promise<Report>;
const submits = async (): Promise<SubmitRecord[]> =>
  ((await (await fetch('/api/__test/submits')).json()) as SubmitRecord[]).filter((s) => s.base === TURNSTILE_ENDPOINT);

let product = 0;
function mountGuarded(attributes: Record<string, string> = {}): TryOnButton {
  // A product of its own per test: a pending job of one test must not be resumed by the next.
  return mount({
    endpoint: TURNSTILE_ENDPOINT,
    'turnstile-sitekey': FAKE_SITEKEY,
    'turnstile-script': FAKE_SCRIPT_URL,
    product: `turnstile-${++product}`,
    ...attributes,
  });
}

/** Opens, consents and picks the photo, without submitting. */
async function choosePhoto(el: TryOnButton): Promise<void> {
  await openPanel(el);
  part<HTMLInputElement>(el, 'consent-checkbox')!.click();
  await el.updateComplete;
  pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
  await el.updateComplete;
}

/** The fake widget rendered for `el` (inside its light-DOM container). */
function widgetOf(el: TryOnButton): { response: string | undefined; node: HTMLElement } | undefined {
  return [...fake().widgets.values()].find((w) => el.contains(w.node));
}

describe('<try-on-button turnstile-sitekey>', function () {
  this.timeout(40_000);
  afterEach(() => document.body.replaceChildren());

  it('renders Turnstile invisibly in the panel and completes a try-on with a token the fake issued', async () => {
    const before = await report();
    const el = mountGuarded({ lang: 'de' });
    const completed = nextEvent<{ images: string[] }>(el, 'try-on-complete');
    await submitPhoto(el);
    await completed;
    await untilStatus(el, 'complete');

    const render = fake().renders.at(-1)!;
    expect(render).to.include({
      sitekey: FAKE_SITEKEY,
      action: 'try-on',
      appearance: 'interaction-only',
      language: 'de',
      'response-field': false,
    });
    expect(render.theme).to.equal(matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');

    // The container is a light-DOM child assigned to the panel's slot; no hidden input leaks into the page.
    const container = el.querySelector<HTMLElement>(':scope > [slot="turnstile"]')!;
    expect(container).to.not.equal(null);
    expect(el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="turnstile"]')!.assignedElements()).to.deep.equal([container]);
    expect(widgetOf(el)).to.not.equal(undefined);
    expect(container.querySelector('input')).to.equal(null);

    const sent = (await submits()).at(-1)!;
    expect(sent.status).to.equal(202);
    const after = await report();
    const issued = after.issued.find((t) => t.token === sent.token);
    expect(issued, 'the token sent was issued by the fake').to.not.equal(undefined);
    expect(issued).to.include({ action: 'try-on', hostname: location.hostname, sitekey: FAKE_SITEKEY });
    expect(after.verifications.slice(before.verifications.length)).to.deep.equal([{ token: sent.token, success: true, errorCodes: [] }]);
    expect(after.scriptRequests - before.scriptRequests, 'script loaded at most once').to.be.at.most(1);

    // Closing the panel removes the widget and its container.
    el.close();
    await el.updateComplete;
    expect(el.querySelector('[slot="turnstile"]')).to.equal(null);
    expect(widgetOf(el)).to.equal(undefined);
  });

  it('a second submit sends a new token, and the script is not loaded again', async () => {
    const before = await report();
    const el = mountGuarded();
    await submitPhoto(el);
    await untilStatus(el, 'complete', 20_000);
    part<HTMLButtonElement>(el, 'pick-another')!.click();
    await el.updateComplete;
    pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
    await el.updateComplete;
    await until(() => part(el, 'submit') !== null, 5000, 'the submit button');
    part<HTMLButtonElement>(el, 'submit')!.click();
    await untilStatus(el, 'processing');
    await untilStatus(el, 'complete', 20_000);

    const [first, second] = (await submits()).slice(-2);
    expect(first!.status).to.equal(202);
    expect(second!.status).to.equal(202);
    expect(first!.token).to.be.a('string');
    expect(second!.token).to.be.a('string');
    expect(second!.token).to.not.equal(first!.token);
    const after = await report();
    expect(after.verifications.slice(before.verifications.length).map((v) => v.success)).to.deep.equal([true, true]);
    expect(after.scriptRequests, 'Cloudflare script loaded once per page').to.equal(before.scriptRequests);
  });

  it('a refused token shows turnstile_failed; retry gets a fresh token and completes', async () => {
    const before = await report();
    const el = mountGuarded();
    await choosePhoto(el);
    await until(() => !!widgetOf(el)?.response, 5000, 'the first token');
    // The shopper lingered past the token's lifetime: siteverify answers timeout-or-duplicate.
    await fetch('/api/__test/turnstile/expire', { method: 'POST' });
    const failed = nextEvent<{ code: string; message: string }>(el, 'try-on-error');
    part<HTMLButtonElement>(el, 'submit')!.click();
    expect((await failed).code).to.equal('turnstile_failed');
    await untilStatus(el, 'error');
    const error = part(el, 'error')!;
    expect(error.dataset.code).to.equal('turnstile_failed');
    expect(error.textContent).to.contain(defaultStrings.errors.turnstile_failed);

    const retry = part<HTMLButtonElement>(el, 'retry');
    expect(retry, 'the shopper can retry').to.not.equal(null);
    retry!.click();
    await untilStatus(el, 'complete', 20_000);

    const [refused, accepted] = (await submits()).slice(-2);
    expect(refused!.status).to.equal(403);
    expect(accepted!.status).to.equal(202);
    expect(accepted!.token).to.not.equal(refused!.token);
    // A refusal is final for its attempt: the retry is a new request with a new key.
    expect(accepted!.key).to.not.equal(refused!.key);
    const verified = (await report()).verifications.slice(before.verifications.length);
    expect(verified).to.deep.equal([
      { token: refused!.token, success: false, errorCodes: ['timeout-or-duplicate'] },
      { token: accepted!.token, success: true, errorCodes: [] },
    ]);
  });

  it('submit reads "Checking your browser…" until the token arrives, then goes on by itself', async () => {
    const control = fake();
    control.delayMs = 1500;
    try {
      const el = mountGuarded();
      await choosePhoto(el);
      const submit = part<HTMLButtonElement>(el, 'submit')!;
      submit.click();
      await el.updateComplete;
      expect(el.getAttribute('status')).to.equal('capture');
      const waiting = part<HTMLButtonElement>(el, 'submit')!;
      expect(waiting.textContent!.trim()).to.equal(defaultStrings.checkingBrowser);
      expect(waiting.getAttribute('aria-disabled')).to.equal('true');
      expect(widgetOf(el)?.response).to.equal(undefined);
      // A second press while waiting does not start a second job.
      waiting.click();
      await untilStatus(el, 'processing', 5000);
      await untilStatus(el, 'complete', 20_000);
      const last = (await submits()).at(-1)!;
      expect(last.status).to.equal(202);
    } finally {
      control.delayMs = 30;
    }
  });

  it('a submit re-sent after a gateway 503 carries a fresh token with the same idempotency key', async () => {
    await fetch('/api/__test/fail-submits?count=1', { method: 'POST' });
    const el = mountGuarded();
    await submitPhoto(el);
    await untilStatus(el, 'complete', 30_000);
    const [blip, resent] = await submits();
    expect(blip!.status).to.equal(503);
    expect(resent!.status).to.equal(202);
    expect(resent!.key).to.equal(blip!.key);
    expect(blip!.token).to.be.a('string');
    expect(resent!.token).to.be.a('string').and.not.equal(blip!.token);
  });

  it('a Turnstile error (sitekey not valid) is shown as turnstile_failed and nothing reaches the endpoint', async () => {
    const warnings = watchWarnings();
    try {
      const count = (await submits()).length;
      const el = mountGuarded({ 'turnstile-sitekey': '0x4AAAAAAAnot-this-sites-key' });
      const failed = nextEvent<{ code: string }>(el, 'try-on-error');
      await submitPhoto(el);
      expect((await failed).code).to.equal('turnstile_failed');
      await untilStatus(el, 'error');
      expect((await submits()).length, 'no request spent').to.equal(count);
      expect(warnings.lines.join('\n'), 'the merchant learns Cloudflare’s code').to.contain('110100');
    } finally {
      warnings.stop();
    }
  });
});
