/// <reference types="mocha" />
/**
 * The analytics events, heard the way a page hears them (on the document: they bubble and are
 * composed): one full run from open to close through every result tool, and one failing run.
 * Asserts their order and the exact shape of each detail.
 */
import { expect } from 'chai';
import { forgetEverything } from '../../src/client/memory.ts';
import { TRY_ON_EVENT_NAMES } from '../../src/element/events.ts';
import type { TryOnEventDetails, TryOnEventName } from '../../src/element/events.ts';
import { GARMENT, consentAndSubmit, drawnPhoto, mount, openPanel, part, submitPhoto, untilStatus } from './helpers.ts';

type Heard = { [K in TryOnEventName]: { name: K; detail: TryOnEventDetails[K]; bubbles: boolean; composed: boolean } }[TryOnEventName];

function listen(): { heard: Heard[]; stop: () => void } {
  const heard: Heard[] = [];
  const on = (event: Event) => {
    const { detail } = event as CustomEvent;
    heard.push({ name: event.type, detail, bubbles: event.bubbles, composed: event.composed } as Heard);
  };
  for (const name of TRY_ON_EVENT_NAMES) document.addEventListener(name, on);
  return { heard, stop: () => TRY_ON_EVENT_NAMES.forEach((name) => document.removeEventListener(name, on)) };
}

/** The sequence with repeats of one event collapsed (progress fires once per poll). */
function order(heard: Heard[]): string[] {
  return heard.map((h) => h.name).filter((name, i, all) => name !== all[i - 1]);
}

function stubNavigator(name: string, value: unknown): () => void {
  Object.defineProperty(navigator, name, { value, configurable: true, writable: true });
  return () => void delete (navigator as unknown as Record<string, unknown>)[name];
}

const STAGES = ['preparing', 'uploading', 'queued', 'processing', 'finishing'];
const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed'];

describe('<try-on-button> analytics events', function () {
  this.timeout(40_000);
  beforeEach(() => localStorage.setItem('try-on-button:guidance-seen', '1'));
  afterEach(async () => {
    document.body.replaceChildren();
    sessionStorage.clear();
    await forgetEverything();
  });

  it('every event name is listed once', () => {
    expect(new Set(TRY_ON_EVENT_NAMES).size).to.equal(TRY_ON_EVENT_NAMES.length);
    expect([...TRY_ON_EVENT_NAMES].sort()).to.deep.equal(
      ['add-to-cart', 'close', 'complete', 'consent', 'download', 'error', 'open', 'photo', 'progress', 'share', 'start', 'variant']
        .map((n) => `try-on-${n}`)
        .sort(),
    );
  });

  it('a full run: open, consent, photo, start, progress, complete, add-to-cart, share, download, close', async () => {
    const { heard, stop } = listen();
    const restore = [stubNavigator('canShare', () => true), stubNavigator('share', async () => undefined)];
    const originalClick = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = () => undefined; // no real file lands in the test browser's downloads
    try {
      const el = mount({ size: 'M' });
      const photo = await drawnPhoto();
      await submitPhoto(el, photo);
      await untilStatus(el, 'complete', 20_000);
      part<HTMLButtonElement>(el, 'add-to-cart')!.click();
      part<HTMLButtonElement>(el, 'share')!.click();
      await new Promise((resolve) => el.addEventListener('try-on-share', resolve, { once: true }));
      part<HTMLAnchorElement>(el, 'download')!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
      await new Promise((resolve) => el.addEventListener('try-on-download', resolve, { once: true }));
      part<HTMLButtonElement>(el, 'close')!.click();
      await untilStatus(el, 'idle');

      expect(order(heard)).to.deep.equal([
        'try-on-open',
        'try-on-consent',
        'try-on-photo',
        'try-on-start',
        'try-on-progress',
        'try-on-complete',
        'try-on-add-to-cart',
        'try-on-share',
        'try-on-download',
        'try-on-close',
      ]);
      for (const h of heard) expect([h.name, h.bubbles, h.composed]).to.deep.equal([h.name, true, true]);

      const detail = <K extends TryOnEventName>(name: K) =>
        heard.filter((h) => h.name === name).map((h) => h.detail as TryOnEventDetails[K]);
      expect(detail('try-on-open')).to.deep.equal([{}]);
      expect(detail('try-on-close')).to.deep.equal([{}]);
      expect(detail('try-on-consent')).to.deep.equal([{ given: true, version: '2026-11' }]);
      expect(detail('try-on-photo')).to.deep.equal([{ type: 'image/jpeg', size: photo.size }]);
      const garment = new URL(GARMENT, document.baseURI).href;
      expect(detail('try-on-start')).to.deep.equal([{ category: 'top', garment, product: 'test-shirt' }]);
      const progress = detail('try-on-progress');
      expect(progress.length).to.be.greaterThan(0);
      for (const p of progress) {
        expect(Object.keys(p).sort()).to.deep.equal(['stage', 'status']);
        expect(JOB_STATUSES).to.include(p.status);
        expect(STAGES).to.include(p.stage);
      }
      expect(progress.at(-1)!.status).to.equal('completed');
      const [complete] = detail('try-on-complete');
      expect(Object.keys(complete!)).to.deep.equal(['images']);
      const image = complete!.images[0]!;
      expect(image).to.match(/^http:\/\/127\.0\.0\.1:\d+\/api\/try-on\//);
      const carts = detail('try-on-add-to-cart').map(({ waitUntil: _, ...rest }) => rest);
      expect(carts).to.deep.equal([{ product: 'test-shirt', size: 'M', garment, image, variant: undefined, variantId: undefined }]);
      expect(detail('try-on-share')).to.deep.equal([{ method: 'file', image }]);
      expect(detail('try-on-download')).to.deep.equal([{ image, filename: 'try-on-test-shirt.svg' }]);
    } finally {
      stop();
      restore.forEach((undo) => undo());
      HTMLAnchorElement.prototype.click = originalClick;
    }
  });

  it('a failing run: open, consent, photo, start, error (code and the message shown), close', async () => {
    const { heard, stop } = listen();
    try {
      // The garment changes after the endpoint's check said yes, so the refusal comes after the photo.
      const el = mount();
      await openPanel(el);
      el.setAttribute('garment', 'https://not-allowed.example/shirt.png');
      await consentAndSubmit(el, await drawnPhoto());
      await untilStatus(el, 'error', 20_000);
      el.close();
      expect(order(heard)).to.deep.equal(['try-on-open', 'try-on-consent', 'try-on-photo', 'try-on-start', 'try-on-error', 'try-on-close']);
      const error = heard.find((h) => h.name === 'try-on-error')!.detail as TryOnEventDetails['try-on-error'];
      expect(error).to.deep.equal({ code: 'garment_host_not_allowed', message: 'Try-on isn’t set up for this product yet.' });
    } finally {
      stop();
    }
  });
});
