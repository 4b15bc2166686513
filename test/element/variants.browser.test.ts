/// <reference types="mocha" />
/**
 * Issue 17, points 6 and 7, against the real endpoint: add to cart names the selected variant and
 * confirms once the page added it; another colour is one tap on the result, tried on with the
 * photo the endpoint already holds (its handle: no upload, no consent step).
 */
import { expect } from 'chai';
import { setViewport } from '../browser-engine.ts';
import type { TryOnEventDetails } from '../../src/element/events.ts';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import { axeCheck } from './axe.ts';
import { drawnPhoto, GARMENT, mount, nextEvent, part, submitPhoto, until, untilStatus, watchWarnings } from './helpers.ts';

type CartDetail = TryOnEventDetails['try-on-add-to-cart'];

interface SubmitRecord {
  base: string;
  status: number;
  photo: boolean;
}

/** The plain endpoint's submits so far (the dev endpoint records whether each carried the photo). */
async function submits(): Promise<SubmitRecord[]> {
  const all = (await (await fetch('/api/__test/submits')).json()) as SubmitRecord[];
  return all.filter((s) => s.base === '/api/try-on');
}

const absolute = (url: string) => new URL(url, document.baseURI).href;
// The same fixture under other URLs: to the endpoint, other garments on an allowed host.
const NAVY = GARMENT;
const SAGE = `${GARMENT}?colour=sage`;
const SKY = `${GARMENT}?colour=sky`;
const VARIANTS = [
  { id: 'navy', label: 'Navy', garment: NAVY, swatch: '#1f2a44' },
  { id: 'sage', label: 'Sage', garment: SAGE, swatch: '#9aa987' },
  { id: 'sky', label: 'Sky', garment: SKY },
];

function cartButton(el: TryOnButton): HTMLButtonElement {
  return part<HTMLButtonElement>(el, 'add-to-cart')!;
}

function cartText(el: TryOnButton): string {
  return cartButton(el).textContent!.trim();
}

/** Every value the `status` attribute takes from now on. */
function recordStatuses(el: TryOnButton): { seen: string[]; stop: () => void } {
  const seen: string[] = [];
  const observer = new MutationObserver(() => {
    const status = el.getAttribute('status')!;
    if (seen[seen.length - 1] !== status) seen.push(status);
  });
  observer.observe(el, { attributes: true, attributeFilter: ['status'] });
  return { seen, stop: () => observer.disconnect() };
}

async function completeTryOn(el: TryOnButton): Promise<string> {
  const completed = nextEvent<{ images: string[] }>(el, 'try-on-complete');
  await submitPhoto(el, await drawnPhoto());
  const image = (await completed).images[0]!;
  await untilStatus(el, 'complete', 20_000);
  await el.updateComplete;
  return image;
}

describe('add to cart names the selected variant and confirms (real endpoint)', function () {
  this.timeout(40_000);
  let el: TryOnButton;
  let image: string;

  before(async () => {
    await setViewport({ width: 390, height: 844 });
    el = mount({ size: 'M', variant: 'Navy / M', 'variant-id': 'navy-m' });
    image = await completeTryOn(el);
  });
  after(() => document.body.replaceChildren());

  it('the button shows the variant, the event carries it, and the button then says it was added', async () => {
    expect(cartText(el)).to.equal('Add Navy / M to cart');
    const event = nextEvent<CartDetail>(el, 'try-on-add-to-cart');
    cartButton(el).click();
    const { waitUntil, ...detail } = await event;
    expect(detail).to.deep.equal({
      product: 'test-shirt',
      size: 'M',
      garment: absolute(GARMENT),
      image,
      variant: 'Navy / M',
      variantId: 'navy-m',
    });
    expect(waitUntil).to.be.a('function');
    await el.updateComplete;
    // Nothing to wait for: the page's handler ran during the dispatch.
    expect(cartButton(el).dataset.state).to.equal('added');
    expect(cartText(el)).to.equal('Added to cart');
    expect(el.getAttribute('status')).to.equal('complete');
  });

  it('changing the variant attributes while the result is shown updates the button and the event', async () => {
    el.setAttribute('variant', 'Navy / L');
    el.setAttribute('variant-id', 'navy-l');
    el.setAttribute('size', 'L');
    await el.updateComplete;
    // Another variant: not added yet.
    expect(cartButton(el).hasAttribute('data-state')).to.equal(false);
    expect(cartText(el)).to.equal('Add Navy / L to cart');
    const event = nextEvent<CartDetail>(el, 'try-on-add-to-cart');
    cartButton(el).click();
    const detail = await event;
    expect([detail.variant, detail.variantId, detail.size]).to.deep.equal(['Navy / L', 'navy-l', 'L']);
  });

  it('waitUntil holds the confirmation until the page has added it; a refusal tells the shopper', async () => {
    el.setAttribute('variant', 'Navy / S');
    await el.updateComplete;
    let resolve!: () => void;
    const handler = (event: CustomEvent<CartDetail>) => event.detail.waitUntil(new Promise<void>((r) => (resolve = r)));
    el.addEventListener('try-on-add-to-cart', handler, { once: true });
    cartButton(el).click();
    await el.updateComplete;
    expect(cartButton(el).dataset.state).to.equal('adding');
    expect(cartButton(el).getAttribute('aria-disabled')).to.equal('true');
    expect(cartText(el)).to.equal('Add Navy / S to cart');
    resolve();
    await until(() => cartButton(el).dataset.state === 'added', 5_000, 'the added state');
    expect(cartText(el)).to.equal('Added to cart');

    el.setAttribute('variant', 'Navy / XL');
    await el.updateComplete;
    el.addEventListener('try-on-add-to-cart', (event) => event.detail.waitUntil(Promise.reject(new Error('out of stock'))), {
      once: true,
    });
    cartButton(el).click();
    await until(() => part(el, 'toast')!.hasAttribute('data-shown'), 5_000, 'the refusal toast');
    expect(part(el, 'toast')!.textContent!.trim()).to.equal('This could not be added to your cart. Please try again.');
    expect(cartButton(el).hasAttribute('data-state')).to.equal(false);
    expect(cartText(el)).to.equal('Add Navy / XL to cart');
  });

  it('waitUntil after the event was handled throws, as ExtendableEvent does', async () => {
    const event = nextEvent<CartDetail>(el, 'try-on-add-to-cart');
    cartButton(el).click();
    const detail = await event;
    expect(() => detail.waitUntil(Promise.resolve())).to.throw(/after try-on-add-to-cart was handled/);
  });
});

describe('another colour in one tap: the same photo by its handle, no new upload, no consent step (real endpoint)', function () {
  this.timeout(60_000);
  afterEach(() => document.body.replaceChildren());

  it('offers the variants, tries the chosen one with photoRef only, and add to cart then names it', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = mount({ size: 'M', 'variant-id': 'navy', variants: JSON.stringify(VARIANTS) });
    const before = (await submits()).length;
    await completeTryOn(el);
    const first = (await submits()).slice(before);
    expect(first.map((s) => [s.status, s.photo])).to.deep.equal([[202, true]]);

    const group = part(el, 'variants')!;
    expect(group.getAttribute('role')).to.equal('group');
    expect(el.shadowRoot!.getElementById(group.getAttribute('aria-labelledby')!)!.textContent).to.equal('Try another colour');
    const buttons = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="variant"]')];
    expect(buttons.map((b) => [b.textContent!.trim(), b.getAttribute('aria-pressed')])).to.deep.equal([
      ['Navy', 'true'],
      ['Sage', 'false'],
      ['Sky', 'false'],
    ]);
    // The label comes from the list when the page names no `variant`.
    expect(cartText(el)).to.equal('Add Navy to cart');
    const axe = await axeCheck(el);
    expect(axe.all, 'axe on the result with its variants').to.deep.equal([]);

    const statuses = recordStatuses(el);
    const chosen = nextEvent<TryOnEventDetails['try-on-variant']>(el, 'try-on-variant');
    const started = nextEvent<TryOnEventDetails['try-on-start']>(el, 'try-on-start');
    const completed = nextEvent<{ images: string[] }>(el, 'try-on-complete');
    buttons[1]!.click();
    expect(await chosen).to.deep.equal({ id: 'sage', label: 'Sage', garment: absolute(SAGE) });
    expect((await started).garment).to.equal(absolute(SAGE));
    await completed;
    await untilStatus(el, 'complete', 20_000);
    await el.updateComplete;
    statuses.stop();

    // Straight from the result to the new result: no consent, no photo step.
    expect(statuses.seen).to.deep.equal(['processing', 'complete']);
    const second = (await submits()).slice(before + 1);
    expect(
      second.map((s) => [s.status, s.photo]),
      'one submit, by photoRef, zero uploads',
    ).to.deep.equal([[202, false]]);

    expect([el.variantId, el.variant, el.garment]).to.deep.equal(['sage', 'Sage', SAGE]);
    const pressed = [...el.shadowRoot!.querySelectorAll('[part="variant"]')].map((b) => b.getAttribute('aria-pressed'));
    expect(pressed).to.deep.equal(['false', 'true', 'false']);
    expect(cartText(el)).to.equal('Add Sage to cart');
    const cart = nextEvent<CartDetail>(el, 'try-on-add-to-cart');
    cartButton(el).click();
    const detail = await cart;
    expect([detail.variant, detail.variantId, detail.garment, detail.size]).to.deep.equal(['Sage', 'sage', absolute(SAGE), 'M']);
  });

  it('a variant garment off the endpoint allowlist is refused with garment_host_not_allowed, before any provider work', async () => {
    const el = mount();
    el.variants = [
      { id: 'shirt', label: 'White', garment: GARMENT },
      { id: 'elsewhere', label: 'Red', garment: 'https://garments.not-allowed.example/red.png' },
    ];
    const before = (await submits()).length;
    await completeTryOn(el);
    const failed = nextEvent<{ code: string }>(el, 'try-on-error');
    el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="variant"]')[1]!.click();
    expect((await failed).code).to.equal('garment_host_not_allowed');
    await untilStatus(el, 'error');
    expect(part(el, 'error')!.dataset.code).to.equal('garment_host_not_allowed');
    const log = (await submits()).slice(before);
    expect(log.map((s) => [s.status, s.photo])).to.deep.equal([
      [202, true],
      [422, false],
    ]);
  });

  it('shows no variants for one variant or a malformed attribute, and says why in the console', async () => {
    const warnings = watchWarnings();
    try {
      const el = mount({ variants: '[{"id": "navy", ' });
      await completeTryOn(el);
      expect(part(el, 'variants')).to.equal(null);
      expect(warnings.lines.some((w) => w.includes('variants attribute is not JSON'))).to.equal(true);
      el.variants = [VARIANTS[0]!];
      await el.updateComplete;
      expect(part(el, 'variants')).to.equal(null);
      el.variants = VARIANTS;
      await el.updateComplete;
      expect(el.shadowRoot!.querySelectorAll('[part="variant"]')).to.have.length(3);
    } finally {
      warnings.stop();
    }
  });
});
