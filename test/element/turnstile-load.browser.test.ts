/// <reference types="mocha" />
/**
 * What Turnstile costs a page, in a page of its own (each test file gets a fresh one): nothing
 * without the attribute; with it, a script that does not load is a clear, retryable error.
 */
import { expect } from 'chai';
import { defaultStrings } from '../../src/element/strings.ts';
import { mount, nextEvent, part, submitPhoto, untilStatus } from './helpers.ts';
import { FAKE_SCRIPT_URL, FAKE_SITEKEY, TURNSTILE_ENDPOINT } from './turnstile-fake-config.ts';

const requested = (pattern: RegExp): string[] =>
  performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => pattern.test(name));

const scriptRequests = async (): Promise<number> => ((await (await fetch('/api/__test/turnstile')).json()) as { scriptRequests: number }).scriptRequests;

describe('Turnstile loading', function () {
  this.timeout(40_000);
  afterEach(() => document.body.replaceChildren());

  it('without turnstile-sitekey, a whole try-on requests neither Cloudflare’s script nor the Turnstile module', async () => {
    const before = await scriptRequests();
    const el = mount({ product: 'no-turnstile' });
    await submitPhoto(el);
    await untilStatus(el, 'complete', 20_000);
    expect(requested(/\/turnstile-fake\/|challenges\.cloudflare\.com|\/src\/element\/turnstile\.ts/)).to.deep.equal([]);
    expect(document.querySelector('script[src*="turnstile"]')).to.equal(null);
    expect('turnstile' in window).to.equal(false);
    expect(el.shadowRoot!.querySelector('slot[name="turnstile"]')).to.equal(null);
    expect(el.children.length).to.equal(0);
    expect(await scriptRequests()).to.equal(before);
  });

  it('a script that does not load gives turnstile_unavailable, sends nothing, and retry loads it again', async () => {
    const submitsBefore = ((await (await fetch('/api/__test/submits')).json()) as unknown[]).length;
    const el = mount({
      endpoint: TURNSTILE_ENDPOINT,
      product: 'turnstile-load',
      'turnstile-sitekey': FAKE_SITEKEY,
      'turnstile-script': '/turnstile-fake/turnstile/v0/missing.js',
    });
    const failed = nextEvent<{ code: string; message: string }>(el, 'try-on-error');
    await submitPhoto(el);
    const detail = await failed;
    expect(detail.code).to.equal('turnstile_unavailable');
    expect(detail.message).to.equal(defaultStrings.errors.turnstile_unavailable);
    await untilStatus(el, 'error');
    const error = part(el, 'error')!;
    expect(error.dataset.code).to.equal('turnstile_unavailable');
    expect(error.textContent).to.contain(defaultStrings.errors.turnstile_unavailable);
    // Loaded when the panel opened, and once more on submit: a submit after a failure tries again.
    expect(requested(/missing\.js/)).to.have.length(2);
    // The failed tag is gone, so the next attempt adds a fresh one.
    expect(document.querySelector('script[src*="missing.js"]')).to.equal(null);
    expect(((await (await fetch('/api/__test/submits')).json()) as unknown[]).length, 'nothing sent').to.equal(submitsBefore);

    // Retry tries the load again (here at a working address) and completes.
    el.setAttribute('turnstile-script', FAKE_SCRIPT_URL);
    part<HTMLButtonElement>(el, 'retry')!.click();
    await untilStatus(el, 'complete', 20_000);
    expect(requested(/api\.js/)).to.have.length(1);
  });
});
