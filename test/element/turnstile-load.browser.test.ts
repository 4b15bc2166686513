/// <reference types="mocha" />
/**
 * What Turnstile costs a page, in a page of its own (each test file gets a fresh one): nothing
 * without the attribute; with it, a script that does not load is a clear, retryable error.
 *
 * The panel starts loading the script as it opens, so a submit comes either while that load is
 * under way or after it failed. Each test brings about its case (the fake holds the load, or the
 * test waits for its failure) instead of racing the load, and counts loads by the tags the
 * element adds and the requests the fake answers without caching, not by the browser's resource
 * timing. Order matters: the last test loads the fake's script, and a page that has
 * `window.turnstile` loads nothing again.
 */
import { expect } from 'chai';
import { defaultStrings } from '../../src/element/strings.ts';
import { consentAndSubmit, mount, nextEvent, openPanel, part, submitPhoto, until, untilStatus } from './helpers.ts';
import { FAKE_SCRIPT_URL, FAKE_SITEKEY, FAKE_UNAVAILABLE_SCRIPT_PATH, TURNSTILE_ENDPOINT } from './turnstile-fake-config.ts';

const requested = (pattern: RegExp): string[] =>
  performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => pattern.test(name));

interface Report {
  scriptRequests: number;
  unavailable: { requests: number; stalled: number };
}
const report = async (): Promise<Report> => (await (await fetch('/api/__test/turnstile')).json()) as Report;
const submitCount = async (): Promise<number> => ((await (await fetch('/api/__test/submits')).json()) as unknown[]).length;

/** Counts the `<script>` tags for `src` the page adds from now on, and says whether one is in the page. */
function scriptTags(src: string): { added: () => number; present: () => boolean } {
  let added = 0;
  const matches = (node: Node) => node instanceof HTMLScriptElement && node.getAttribute('src') === src;
  new MutationObserver((records) => {
    for (const record of records) added += [...record.addedNodes].filter(matches).length;
  }).observe(document, { childList: true, subtree: true });
  return { added: () => added, present: () => [...document.scripts].some(matches) };
}

describe('Turnstile loading', function () {
  this.timeout(40_000);
  afterEach(() => document.body.replaceChildren());

  it('without turnstile-sitekey, a whole try-on requests neither Cloudflare’s script nor the Turnstile module', async () => {
    const before = (await report()).scriptRequests;
    const el = mount({ product: 'no-turnstile' });
    await submitPhoto(el);
    await untilStatus(el, 'complete', 20_000);
    expect(requested(/\/turnstile-fake\/|challenges\.cloudflare\.com|\/src\/element\/controllers\/turnstile-gate\.ts/)).to.deep.equal([]);
    expect(document.querySelector('script[src*="turnstile"]')).to.equal(null);
    expect('turnstile' in window).to.equal(false);
    expect(el.shadowRoot!.querySelector('slot[name="turnstile"]')).to.equal(null);
    expect(el.children.length).to.equal(0);
    expect((await report()).scriptRequests).to.equal(before);
  });

  it('a submit while the script is still loading waits for that load, and its failure gives turnstile_unavailable without a second load', async () => {
    const src = `${FAKE_UNAVAILABLE_SCRIPT_PATH}?stall`;
    const submitsBefore = await submitCount();
    const loadsBefore = (await report()).unavailable.requests;
    const tags = scriptTags(src);
    const el = mount({
      endpoint: TURNSTILE_ENDPOINT,
      product: 'turnstile-stalled',
      'turnstile-sitekey': FAKE_SITEKEY,
      'turnstile-script': src,
    });
    const failed = nextEvent<{ code: string; message: string }>(el, 'try-on-error');
    try {
      await openPanel(el);
      await until(async () => (await report()).unavailable.stalled === 1, 10_000, 'the panel’s load of the script to reach the fake');
      await consentAndSubmit(el);
      // The submit waits on the security check (a busy submit), with nothing shown or sent yet.
      await until(() => part(el, 'submit')?.getAttribute('aria-disabled') === 'true', 10_000, 'the submit to wait on the check');
      expect(el.getAttribute('status')).to.equal('capture');
    } finally {
      await fetch('/api/__test/turnstile/release', { method: 'POST' });
    }
    const detail = await failed;
    expect(detail.code).to.equal('turnstile_unavailable');
    await untilStatus(el, 'error');
    expect(part(el, 'error')!.dataset.code).to.equal('turnstile_unavailable');
    // The submit joined the load the panel started: one tag, one request.
    expect(tags.added(), 'script tags added').to.equal(1);
    expect((await report()).unavailable.requests - loadsBefore, 'loads of the script').to.equal(1);
    expect(tags.present(), 'the failed tag is gone').to.equal(false);
    expect(await submitCount(), 'nothing sent').to.equal(submitsBefore);
  });

  it('a script that does not load gives turnstile_unavailable, sends nothing, and retry loads it again', async () => {
    const src = FAKE_UNAVAILABLE_SCRIPT_PATH;
    const submitsBefore = await submitCount();
    const loadsBefore = (await report()).unavailable.requests;
    const tags = scriptTags(src);
    const el = mount({
      endpoint: TURNSTILE_ENDPOINT,
      product: 'turnstile-load',
      'turnstile-sitekey': FAKE_SITEKEY,
      'turnstile-script': src,
    });
    const failed = nextEvent<{ code: string; message: string }>(el, 'try-on-error');
    await openPanel(el);
    // The load the panel started as it opened fails (its tag removed) before the shopper submits.
    await until(() => tags.added() === 1 && !tags.present(), 10_000, 'the panel’s load of the script to fail');
    await consentAndSubmit(el);
    const detail = await failed;
    expect(detail.code).to.equal('turnstile_unavailable');
    expect(detail.message).to.equal(defaultStrings.errors.turnstile_unavailable);
    await untilStatus(el, 'error');
    const error = part(el, 'error')!;
    expect(error.dataset.code).to.equal('turnstile_unavailable');
    expect(error.textContent).to.contain(defaultStrings.errors.turnstile_unavailable);
    // Loaded when the panel opened, and once more on submit: a submit after a failure tries again,
    // with a fresh tag (the failed one is gone) and a request that reaches the network.
    expect(tags.added(), 'script tags added').to.equal(2);
    expect((await report()).unavailable.requests - loadsBefore, 'loads of the script').to.equal(2);
    expect(tags.present(), 'the failed tag is gone').to.equal(false);
    expect(await submitCount(), 'nothing sent').to.equal(submitsBefore);

    // Retry tries the load again (here at a working address) and completes.
    const working = scriptTags(FAKE_SCRIPT_URL);
    el.setAttribute('turnstile-script', FAKE_SCRIPT_URL);
    part<HTMLButtonElement>(el, 'retry')!.click();
    await untilStatus(el, 'complete', 20_000);
    expect(working.added(), 'script tags added').to.equal(1);
  });
});
