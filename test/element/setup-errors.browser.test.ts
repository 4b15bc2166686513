/// <reference types="mocha" />
/**
 * A product the endpoint cannot serve is known before the shopper gives anything: the endpoint's
 * check (GET {endpoint}/check) runs on first intent or at open, the panel says plainly that
 * try-on is not available with only a way back, no job is sent, and the console tells the
 * merchant which setting fixes it. Also: the once-per-page warning about a missing policy-url.
 */
import { expect } from 'chai';
import { GARMENT, consentAndSubmit, mount, nextEvent, openPanel, part, until, untilStatus, watchWarnings } from './helpers.ts';
import type { TryOnButton } from '../../src/element/try-on-button.ts';

const requests = (pattern: RegExp) => performance.getEntriesByType('resource').filter((e) => pattern.test(e.name));
const jobs = () => requests(/\/jobs(\/|$|\?)/).length;

/** The setup view: the plain sentence, only Close; no consent, no photo, no retry. */
function expectSetupView(el: TryOnButton, code: string, sentence: string): void {
  const error = part(el, 'error')!;
  expect(error.dataset.code).to.equal(code);
  expect(error.textContent).to.contain(sentence);
  expect(error.textContent).to.not.contain('did not work');
  expect(part(el, 'dismiss')!.textContent!.trim()).to.equal('Close');
  for (const absent of ['consent-checkbox', 'choose', 'take-photo', 'pick-another', 'retry', 'submit']) {
    expect(part(el, absent), absent).to.equal(null);
  }
}

describe('<try-on-button> setup errors before the photo', function () {
  this.timeout(30_000);
  let warnings: ReturnType<typeof watchWarnings>;
  beforeEach(() => {
    performance.clearResourceTimings();
    warnings = watchWarnings();
  });
  afterEach(() => {
    warnings.stop();
    document.body.replaceChildren();
  });

  // First in this file on purpose: the warning is said once per page.
  it('warns the merchant once per page when policy-url is not set', async () => {
    const first = mount();
    await openPanel(first);
    first.close();
    const second = mount();
    await openPanel(second);
    const policy = warnings.lines.filter((line) => line.includes('policy-url'));
    expect(policy).to.have.length(1);
    expect(policy[0]).to.contain('[try-on-button]');
    expect(policy[0]).to.match(/privacy policy/);
  });

  it('an unknown product: the plain sentence at open with only Close, no job, and the console names TRYON_CATALOG', async () => {
    const el = mount({ product: 'no-such-product', 'policy-url': '/privacy' });
    el.removeAttribute('garment');
    const failed = nextEvent<{ code: string }>(el, 'try-on-error');
    await openPanel(el);
    expect((await failed).code).to.equal('product_unknown');
    await untilStatus(el, 'error');
    expectSetupView(el, 'product_unknown', 'Try-on isn’t set up for this product yet.');
    expect(warnings.lines.some((line) => line.includes('product_unknown') && line.includes('TRYON_CATALOG'))).to.equal(true);

    part<HTMLButtonElement>(el, 'dismiss')!.click();
    await untilStatus(el, 'idle');
    expect(jobs()).to.equal(0);
  });

  it('a garment host the endpoint does not allow: checked once on hover, refused at open, console names TRYON_GARMENT_HOSTS', async () => {
    const el = mount({ garment: 'https://not-allowed.example/shirt.png', 'policy-url': '/privacy' });
    el.removeAttribute('product');
    await el.updateComplete;
    part(el, 'button')!.dispatchEvent(new PointerEvent('pointerenter'));
    await until(() => requests(/\/api\/try-on\/check\?/).length === 1, 10_000, 'the check on hover');
    await openPanel(el);
    await untilStatus(el, 'error');
    expectSetupView(el, 'garment_host_not_allowed', 'Try-on isn’t set up for this product yet.');
    expect(warnings.lines.some((line) => line.includes('garment_host_not_allowed') && line.includes('TRYON_GARMENT_HOSTS'))).to.equal(true);
    // Closed and opened again: the page's answer is kept, nothing is asked or sent again.
    el.close();
    await openPanel(el);
    await untilStatus(el, 'error');
    expect(requests(/\/api\/try-on\/check\?/)).to.have.length(1);
    expect(jobs()).to.equal(0);
  });

  it('a slow check does not hold the panel: it opens at the consent, and the late refusal ends it before anything is sent', async () => {
    // An endpoint that answers the check late (a cold serverless start): held here for 4 s.
    const original = window.fetch;
    window.fetch = (input, init) =>
      String(input instanceof Request ? input.url : input).includes('/check?')
        ? new Promise((resolve) => setTimeout(resolve, 4000)).then(() => original(input, init))
        : original(input, init);
    try {
      const el = mount({ garment: 'https://not-allowed-late.example/shirt.png', 'policy-url': '/privacy' });
      el.removeAttribute('product');
      const started = performance.now();
      await openPanel(el);
      const opened = performance.now() - started;
      expect(el.status, 'open before the check answered').to.equal('consent');
      expect(opened, 'opening waited for the check no longer than its limit (1.5 s) and a margin').to.be.below(3500);
      await untilStatus(el, 'error', 10_000);
      expectSetupView(el, 'garment_host_not_allowed', 'Try-on isn’t set up for this product yet.');
      expect(jobs()).to.equal(0);
    } finally {
      window.fetch = original;
    }
  });

  it('a setup refusal that still comes after the photo offers only Close', async () => {
    const el = mount({ 'policy-url': '/privacy' });
    await openPanel(el);
    await untilStatus(el, 'consent');
    // The page changes the product after the check said yes.
    el.setAttribute('garment', 'https://not-allowed-either.example/shirt.png');
    el.removeAttribute('product');
    await consentAndSubmit(el);
    await untilStatus(el, 'error', 20_000);
    expectSetupView(el, 'garment_host_not_allowed', 'Try-on isn’t set up for this product yet.');
    expect(jobs()).to.equal(1);
  });

  it('a page origin the endpoint does not allow: "not available on this site", not "check your connection", and the console names TRYON_ALLOWED_ORIGINS', async () => {
    // The dev server answers at 127.0.0.1 and at localhost: two origins for the browser, and the
    // endpoint allows neither but its own.
    const other = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    const el = mount({
      endpoint: `http://${other}:${location.port}/api/try-on`,
      garment: new URL(GARMENT, location.href).href,
      'policy-url': '/privacy',
    });
    await openPanel(el);
    await untilStatus(el, 'error');
    expectSetupView(el, 'origin_not_allowed', 'Try-on isn’t available on this site.');
    expect(part(el, 'error')!.textContent).to.not.match(/connection/i);
    expect(
      warnings.lines.some(
        (line) => line.includes('origin_not_allowed') && line.includes('TRYON_ALLOWED_ORIGINS') && line.includes(location.origin),
      ),
    ).to.equal(true);
    expect(jobs()).to.equal(0);
  });
});
