/// <reference types="mocha" />
import { expect } from 'chai';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { pressChord, setViewport } from '../browser-engine.ts';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import { axeCheck } from './axe.ts';
import { drawnPhoto, mount, nextEvent, part, submitPhoto, until, untilStatus } from './helpers.ts';

function active(el: TryOnButton): Element | null {
  return el.shadowRoot!.activeElement;
}

/** The centre of an element, in page pixels, for sendMouse. */
function at(element: Element, fx = 0.5, fy = 0.5): [number, number] {
  const box = element.getBoundingClientRect();
  return [Math.round(box.left + box.width * fx), Math.round(box.top + box.height * fy)];
}

/** Where the picture's pixels are drawn inside an object-fit: contain image, in page pixels. */
function shownPicture(img: HTMLImageElement): { left: number; right: number; width: number } {
  const box = img.getBoundingClientRect();
  const scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
  const width = img.naturalWidth * scale;
  const left = box.left + (box.width - width) / 2;
  return { left, right: left + width, width };
}

/** The text a sighted shopper sees (not the live region nor other visually hidden text). */
function shownText(root: Element): string {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const seen: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement!;
    if (!parent.closest('.visually-hidden') && parent.checkVisibility()) seen.push(node.textContent!.trim());
  }
  return seen.filter(Boolean).join(' ');
}

/** Overrides a navigator member for one test (an own property shadows the prototype's). */
function stubNavigator(name: string, value: unknown): () => void {
  Object.defineProperty(navigator, name, { value, configurable: true, writable: true });
  return () => {
    delete (navigator as unknown as Record<string, unknown>)[name];
  };
}

describe('result tools: compare slider, zoom, download, share, add to cart (real endpoint)', function () {
  this.timeout(40_000);
  let el: TryOnButton;
  let image: string;

  before(async () => {
    // Room for every module, image and poll of a try-on: the zoom test below counts fetches.
    performance.setResourceTimingBufferSize(10_000);
    await setViewport({ width: 1280, height: 800 });
    el = mount({ size: 'M' });
    const completed = nextEvent<{ images: string[] }>(el, 'try-on-complete');
    await submitPhoto(el, await drawnPhoto());
    image = (await completed).images[0]!;
    await untilStatus(el, 'complete', 20_000);
    await part<HTMLImageElement>(el, 'result-image')!.decode();
  });
  after(() => document.body.replaceChildren());

  it('starts half and half, names what the slider compares, says once how to use it, and keys move it', async () => {
    const slider = part<HTMLInputElement>(el, 'compare-slider')!;
    const before = part<HTMLImageElement>(el, 'before-image')!;
    expect(part<HTMLImageElement>(el, 'result-image')!.src).to.equal(image);
    expect(before.src).to.match(/^blob:/);
    await before.decode();
    expect(slider.type).to.equal('range');
    expect(slider.getAttribute('aria-label')).to.equal('Compare your photo with the try-on');
    expect(slider.value).to.equal('50');
    expect(before.style.clipPath).to.equal('inset(0px 50% 0px 0px)');
    // Both sides are named on the picture, and "Preview" is said once in the whole view.
    const seen = shownText(part(el, 'panel')!);
    expect(seen.match(/preview/gi) ?? [], seen).to.have.length(1);
    expect(seen).to.contain('Your photo');
    // The hint is shown until the first move, and describes the slider for screen readers.
    const hint = el.shadowRoot!.getElementById(slider.getAttribute('aria-describedby')!)!;
    expect(hint.textContent).to.equal('Drag to compare');
    expect(hint.getBoundingClientRect().width).to.be.greaterThan(20);
    // The result view puts focus on the slider, so the keys below go to it.
    expect(active(el)).to.equal(slider);

    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(slider.value).to.equal('51');
    expect(before.style.clipPath).to.equal('inset(0px 49% 0px 0px)');
    expect(hint.getBoundingClientRect().width, 'the hint goes after the first use').to.be.at.most(1);
    await sendKeys({ press: 'PageUp' });
    await el.updateComplete;
    expect(slider.value).to.equal('61');
    expect(slider.getAttribute('aria-valuetext')).to.equal('61% your photo, 39% preview');
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(slider.value).to.equal('100');
    expect(before.style.clipPath).to.equal('inset(0px 0% 0px 0px)');
    await sendKeys({ press: 'PageDown' });
    await el.updateComplete;
    expect(slider.value).to.equal('90');
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(slider.value).to.equal('0');
  });

  it('the result view with its tools passes axe (AA and best practice)', async () => {
    const axe = await axeCheck(el);
    expect(axe.all).to.deep.equal([]);
  });

  it('follows a pointer drag across the picture', async () => {
    const slider = part<HTMLInputElement>(el, 'compare-slider')!;
    const frame = part(el, 'compare')!;
    await sendMouse({ type: 'move', position: at(frame, 0.2) });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: at(frame, 0.5) });
    await sendMouse({ type: 'move', position: at(frame, 0.75) });
    await sendMouse({ type: 'up' });
    await el.updateComplete;
    expect(Number(slider.value)).to.be.within(72, 78);
    const divider = el.shadowRoot!.querySelector<HTMLElement>('.divider')!;
    expect(divider.style.left).to.equal(`${slider.value}%`);
    // Back to the whole result for the tests below.
    slider.value = '0';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await el.updateComplete;
  });

  it('the compare frame hugs the shown picture, so the split starts and halves on the photo', async () => {
    const slider = part<HTMLInputElement>(el, 'compare-slider')!;
    const frame = part(el, 'compare')!;
    const img = part<HTMLImageElement>(el, 'result-image')!;
    const divider = el.shadowRoot!.querySelector<HTMLElement>('.divider')!;
    await until(() => frame.style.getPropertyValue('--_ratio') !== '', 5_000, 'the frame sized to the loaded result');
    const photo = shownPicture(img);
    const frameBox = frame.getBoundingClientRect();
    // A tall result in the 380 px panel is limited by height, so a full-width frame would leave a band.
    expect(photo.width).to.be.greaterThan(50);
    expect(frameBox.left).to.be.closeTo(photo.left, 1.5);
    expect(frameBox.right).to.be.closeTo(photo.right, 1.5);

    const splitAt = () => {
      const box = divider.getBoundingClientRect();
      return box.left + box.width / 2;
    };
    expect(slider.value).to.equal('0');
    expect(splitAt()).to.be.within(photo.left - 1.5, photo.right + 1.5);
    expect(splitAt()).to.be.closeTo(photo.left, 1.5);

    slider.value = '50';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await el.updateComplete;
    expect(splitAt()).to.be.closeTo(photo.left + photo.width / 2, 2);
    const before = part<HTMLImageElement>(el, 'before-image')!.getBoundingClientRect();
    expect(before.left).to.be.closeTo(photo.left, 1.5);
    expect(before.width).to.be.closeTo(photo.width, 1.5);

    slider.value = '0';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await el.updateComplete;
  });

  it("the zoom's code is fetched on the first press of its button, not with the result, and that press opens it", async () => {
    // The dev server serves each module by its path (the build makes zoom.ts and zoom-math.ts one chunk).
    const zoomScripts = () =>
      performance
        .getEntriesByType('resource')
        .map((entry) => new URL(entry.name).pathname)
        .filter((path) => /\/src\/element\/zoom(-math)?\.ts$/.test(path));
    expect(part(el, 'result-image'), 'the result is shown').to.not.equal(null);
    expect(zoomScripts(), 'before the zoom button is used').to.deep.equal([]);

    // A click alone (no pointerdown or focus before it, as from assistive technology) loads and opens it.
    part<HTMLButtonElement>(el, 'zoom-button')!.click();
    await until(() => part(el, 'zoom')?.matches(':popover-open') === true, 5_000, 'the zoom popover');
    expect(zoomScripts().sort()).to.deep.equal(['/src/element/zoom-math.ts', '/src/element/zoom.ts']);
    await el.updateComplete;
    expect(active(el)).to.equal(part(el, 'zoom-close'));
    part<HTMLButtonElement>(el, 'zoom-close')!.click();
    await el.updateComplete;
    expect(part(el, 'zoom')).to.equal(null);
  });

  it('zoom opens full screen, zooms by key, wheel and tap, and Esc closes the zoom before the panel', async () => {
    const zoomButton = part<HTMLButtonElement>(el, 'zoom-button')!;
    zoomButton.focus();
    zoomButton.click();
    await until(() => part(el, 'zoom')?.matches(':popover-open') === true, 5_000, 'the zoom popover');
    await el.updateComplete;
    const zoom = part(el, 'zoom')!;
    const box = zoom.getBoundingClientRect();
    expect(box.width).to.equal(window.innerWidth);
    expect(box.height).to.equal(window.innerHeight);
    expect(active(el)).to.equal(part(el, 'zoom-close'));
    const stage = zoom.querySelector<HTMLElement>('.zoom-stage')!;
    const img = stage.querySelector('img')!;
    await until(() => img.naturalWidth > 0 && img.style.width !== '', 5_000, 'the fitted zoom image');

    const axe = await axeCheck(el);
    expect(axe.all, 'axe on the open zoom').to.deep.equal([]);

    // Tab and Shift+Tab stay inside the zoom while it covers the panel: its close button and the image.
    const seen: (Element | null)[] = [];
    for (const back of [false, false, false, true, true]) {
      if (back) await pressChord(['Shift', 'Tab']);
      else await sendKeys({ press: 'Tab' });
      seen.push(active(el));
    }
    const close = part(el, 'zoom-close');
    expect(seen).to.deep.equal([stage, close, stage, close, stage]);

    stage.focus();
    await sendKeys({ press: '+' });
    await el.updateComplete;
    expect(Number(stage.dataset.scale)).to.be.closeTo(1.25, 0.01);
    await sendKeys({ press: '0' });
    await el.updateComplete;
    expect(stage.dataset.scale).to.equal('1.00');

    stage.dispatchEvent(
      new WheelEvent('wheel', { deltaY: -240, clientX: box.width / 2, clientY: box.height / 2, bubbles: true, cancelable: true }),
    );
    await el.updateComplete;
    expect(Number(stage.dataset.scale)).to.be.greaterThan(1.5);
    await sendKeys({ press: '0' });
    await el.updateComplete;

    // A tap zooms to 2× at that point; a second tap goes back.
    await sendMouse({ type: 'click', position: at(stage, 0.5, 0.4) });
    await el.updateComplete;
    expect(stage.dataset.scale).to.equal('2.00');
    expect(img.style.transform).to.match(/scale\(2\)/);
    await sendMouse({ type: 'click', position: at(stage, 0.5, 0.4) });
    await el.updateComplete;
    expect(stage.dataset.scale).to.equal('1.00');

    // Two fingers spreading apart: pinch zoom about their midpoint.
    const [cx, cy] = at(stage);
    const touch = (type: string, pointerId: number, x: number) =>
      stage.dispatchEvent(
        new PointerEvent(type, { pointerId, pointerType: 'touch', clientX: x, clientY: cy, bubbles: true, isPrimary: pointerId === 1 }),
      );
    touch('pointerdown', 1, cx - 40);
    touch('pointerdown', 2, cx + 40);
    touch('pointermove', 1, cx - 90);
    touch('pointermove', 2, cx + 90);
    touch('pointerup', 1, cx - 90);
    touch('pointerup', 2, cx + 90);
    await el.updateComplete;
    expect(Number(stage.dataset.scale), '80 px apart → 180 px apart').to.be.closeTo(2.25, 0.05);

    stage.focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'zoom'), 'the zoom closed').to.equal(null);
    expect(el.getAttribute('status'), 'the panel stayed open').to.equal('complete');
    await el.updateComplete;
    expect(active(el)).to.equal(part(el, 'zoom-button'));
  });

  it('download saves a blob: URL named try-on-<product>.svg and fires try-on-download', async () => {
    const clicked: { href: string; download: string; inDocument: boolean }[] = [];
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download, inDocument: this.isConnected });
    };
    try {
      const event = nextEvent<{ image: string; filename: string }>(el, 'try-on-download');
      const link = part<HTMLAnchorElement>(el, 'download')!;
      expect(link.tagName).to.equal('A');
      expect(link.hasAttribute('download')).to.equal(true);
      // A real click event (the anchor's click() is stubbed above).
      link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
      const detail = await event;
      expect(detail).to.deep.equal({ image, filename: 'try-on-test-shirt.svg' });
      const saved = clicked.filter((c) => c.href.startsWith('blob:'));
      expect(saved).to.have.length(1);
      expect(saved[0]!.download).to.equal('try-on-test-shirt.svg');
      expect(saved[0]!.inDocument).to.equal(true);
      // The blob is the result itself.
      const text = await (await fetch(saved[0]!.href)).text();
      expect(text).to.contain('Preview');
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
  });

  it('shares the image file where the browser can share files', async () => {
    const calls: ShareData[] = [];
    const restore = [
      stubNavigator('canShare', (data: ShareData) => !!data.files?.length),
      stubNavigator('share', async (data: ShareData) => {
        calls.push(data);
      }),
    ];
    try {
      const event = nextEvent<{ method: string; image: string }>(el, 'try-on-share');
      part<HTMLButtonElement>(el, 'share')!.click();
      expect(await event).to.deep.equal({ method: 'file', image });
      expect(calls).to.have.length(1);
      const file = calls[0]!.files![0]!;
      expect(file.name).to.equal('try-on-test-shirt.svg');
      expect(file.type).to.equal('image/svg+xml');
      expect(await file.text()).to.contain('Preview');
      expect(calls[0]!.url).to.equal(undefined);
    } finally {
      restore.forEach((undo) => undo());
    }
  });

  it('shares the link when files cannot be shared, and copies it (with a toast) when nothing can be shared', async () => {
    const shared: ShareData[] = [];
    let restore = [stubNavigator('canShare', () => false), stubNavigator('share', async (data: ShareData) => void shared.push(data))];
    try {
      const event = nextEvent<{ method: string }>(el, 'try-on-share');
      part<HTMLButtonElement>(el, 'share')!.click();
      expect((await event).method).to.equal('link');
      expect(shared).to.have.length(1);
      expect(shared[0]!.url).to.equal(image);
      expect(shared[0]!.files).to.equal(undefined);
    } finally {
      restore.forEach((undo) => undo());
    }

    const copied: string[] = [];
    restore = [
      stubNavigator('share', undefined),
      stubNavigator('canShare', undefined),
      stubNavigator('clipboard', { writeText: async (text: string) => void copied.push(text) }),
    ];
    try {
      const event = nextEvent<{ method: string }>(el, 'try-on-share');
      part<HTMLButtonElement>(el, 'share')!.click();
      expect((await event).method).to.equal('clipboard');
      expect(copied).to.deep.equal([image]);
      await el.updateComplete;
      const toast = part(el, 'toast')!;
      expect(toast.textContent!.trim()).to.equal('Link copied');
      expect(toast.getAttribute('role')).to.equal('status');
      expect(toast.hasAttribute('data-shown')).to.equal(true);
    } finally {
      restore.forEach((undo) => undo());
    }
  });

  it('a dismissed share sheet is not a failure: no fallback, no event', async () => {
    const copied: string[] = [];
    const restore = [
      stubNavigator('canShare', () => true),
      stubNavigator('share', async () => {
        throw new DOMException('Share canceled', 'AbortError');
      }),
      stubNavigator('clipboard', { writeText: async (text: string) => void copied.push(text) }),
    ];
    let shared = 0;
    const count = () => shared++;
    el.addEventListener('try-on-share', count);
    try {
      part<HTMLButtonElement>(el, 'share')!.click();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(shared).to.equal(0);
      expect(copied).to.deep.equal([]);
    } finally {
      el.removeEventListener('try-on-share', count);
      restore.forEach((undo) => undo());
    }
  });

  it('add to cart fires try-on-add-to-cart with product, size, garment and image, and changes nothing else', async () => {
    const button = part<HTMLButtonElement>(el, 'add-to-cart')!;
    expect(button.textContent!.trim()).to.equal('Add to cart');
    const event = nextEvent<Record<string, unknown>>(el, 'try-on-add-to-cart');
    button.click();
    // No variant named: the detail says so (variants have their own tests, variants.browser.test.ts).
    const { waitUntil, ...detail } = await event;
    expect(waitUntil).to.be.a('function');
    expect(detail).to.deep.equal({
      product: 'test-shirt',
      size: 'M',
      garment: new URL('/test/element/fixtures/garment.png', document.baseURI).href,
      image,
      variant: undefined,
      variantId: undefined,
    });
    expect(el.getAttribute('status')).to.equal('complete');
  });
});
