/// <reference types="mocha" />
/**
 * The panel's keyboard model (WAI-ARIA APG, modal dialog), per view and in both shapes, with real
 * key presses: focus is on a control of the dialog when a view shows, Tab visits the visible
 * controls in document order and wraps, Shift+Tab does the same backwards, focus never lands on
 * something hidden or outside, and Esc closes with focus back on the trigger. Only standard DOM
 * and @web/test-runner-commands, so it runs in every engine the runner drives.
 */
import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { pressChord, setViewport } from '../browser-engine.ts';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import { forgetEverything } from '../../src/client/memory.ts';
import { holdPolls, mount, openPanel, part, pickFile, shopperPhoto, until, untilStatus } from './helpers.ts';

const active = (el: TryOnButton): Element | null => el.shadowRoot!.activeElement;

/** Shown to the shopper: rendered, not hidden by an attribute, a style or for assistive technology. */
function shown(node: Element): boolean {
  if (node.closest('[hidden], [inert], [aria-hidden="true"]')) return false;
  const box = node.getBoundingClientRect();
  return getComputedStyle(node).visibility === 'visible' && box.width > 0 && box.height > 0;
}

/** What Tab should visit: the panel's enabled, tabbable, shown controls, in document order. */
function expectedOrder(panel: HTMLElement): HTMLElement[] {
  return [...panel.querySelectorAll<HTMLElement>('button, input, a[href], select, textarea, [tabindex]')].filter(
    (node) => node !== panel && node.tabIndex >= 0 && !(node as HTMLButtonElement).disabled && shown(node),
  );
}

const describeNode = (node: Element | null) => (node ? node.outerHTML.slice(0, 100) : 'nothing in the widget');

async function shiftTab(): Promise<void> {
  await pressChord(['Shift', 'Tab']);
}

type View = 'consent' | 'guidance' | 'picker' | 'photo chosen' | 'processing' | 'result' | 'error';

/** Drives a fresh element to `view` the way a shopper gets there; returns it with the panel. */
async function reach(view: View): Promise<TryOnButton> {
  if (view !== 'guidance') localStorage.setItem('try-on-button:guidance-seen', '1');
  const el = mount({ 'policy-url': '/privacy', size: 'M', 'product-name': 'Linen shirt' });
  await openPanel(el);
  // Changed after the product check at open passed: the refusal comes after the photo.
  if (view === 'error') el.setAttribute('garment', 'https://not-allowed.example/shirt.png');
  if (view === 'consent') return el;
  part<HTMLInputElement>(el, 'consent-checkbox')!.click();
  await el.updateComplete;
  if (view === 'guidance') {
    await until(() => part(el, 'guidance') !== null, 5000, 'the guidance');
    return el;
  }
  if (view === 'picker') return el;
  pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
  await until(() => part(el, 'submit') !== null, 5000, 'the chosen photo');
  if (view === 'photo chosen') return el;
  part<HTMLButtonElement>(el, 'submit')!.click();
  const status = view === 'processing' ? 'processing' : view === 'result' ? 'complete' : 'error';
  await untilStatus(el, status, 20_000);
  if (view === 'result') {
    await until(() => part(el, 'compare-slider') !== null, 5000, 'the compare slider');
    // The slider covers the picture, which has its size once loaded.
    await part<HTMLImageElement>(el, 'result-image')!.decode();
  }
  await el.updateComplete;
  return el;
}

describe('<try-on-button> keyboard: a modal dialog in both shapes', function () {
  this.timeout(60_000);
  let release: (() => void) | undefined;

  afterEach(async () => {
    release?.();
    release = undefined;
    document.body.replaceChildren();
    sessionStorage.clear();
    localStorage.removeItem('try-on-button:guidance-seen');
    await forgetEverything();
    await setViewport({ width: 1280, height: 800 });
  });

  const views: View[] = ['consent', 'guidance', 'picker', 'photo chosen', 'processing', 'result', 'error'];
  for (const viewport of [
    { name: 'desktop 1280x800', width: 1280, height: 800 },
    { name: 'phone 390x844', width: 390, height: 844 },
  ]) {
    for (const view of views) {
      it(`${view} (${viewport.name}): Tab and Shift+Tab cycle through the visible controls and wrap; Esc closes, focus on the trigger`, async () => {
        await setViewport(viewport);
        if (view === 'processing') release = holdPolls();
        const el = await reach(view);
        const panel = part(el, 'panel')!;
        // Focus is already in the dialog, on a control of the view (the first meaningful one).
        await until(() => !!active(el) && panel.contains(active(el)) && active(el) !== panel, 3000, 'focus on a control in the dialog');
        const order = expectedOrder(panel);
        const start = active(el) as HTMLElement;
        const at = order.indexOf(start);
        expect(at, `initial focus on a visible control: ${describeNode(start)}`).to.be.at.least(0);
        expect(order.length, 'controls to visit').to.be.at.least(2);

        const n = order.length;
        for (let k = 1; k <= n; k++) {
          await sendKeys({ press: 'Tab' });
          const now = active(el);
          expect(now && shown(now), `Tab ${k}: on something shown (${describeNode(now)})`).to.equal(true);
          expect(now, `Tab ${k}: ${describeNode(now)}`).to.equal(order[(at + k) % n]);
        }
        expect(active(el), 'Tab wrapped round to where it started').to.equal(start);
        for (let k = 1; k <= n; k++) {
          await shiftTab();
          const now = active(el);
          expect(now && shown(now), `Shift+Tab ${k}: on something shown (${describeNode(now)})`).to.equal(true);
          expect(now, `Shift+Tab ${k}: ${describeNode(now)}`).to.equal(order[(at - k + n * 2) % n]);
        }
        expect(active(el), 'Shift+Tab wrapped round to where it started').to.equal(start);
        expect(el.getAttribute('status'), 'still on the same view').to.not.equal('idle');

        await sendKeys({ press: 'Escape' });
        await untilStatus(el, 'idle');
        expect(part(el, 'panel')).to.equal(null);
        await until(() => active(el) === part(el, 'button'), 3000, 'focus back on the trigger');
      });
    }
  }

  it('on opening, focus goes to the first meaningful control (the consent box), not the close button', async () => {
    const el = mount();
    await el.updateComplete;
    part(el, 'button')!.focus();
    await sendKeys({ press: 'Enter' });
    await untilStatus(el, 'consent');
    await until(() => active(el) === part(el, 'consent-checkbox'), 3000, 'focus on the consent box');
  });

  it('the page behind the desktop dialog is out of reach: clicking or focusing it does not move focus out', async () => {
    const el = await reach('consent');
    const outside = document.body.appendChild(Object.assign(document.createElement('button'), { textContent: 'Page button' }));
    outside.focus();
    expect(document.activeElement, 'the page behind is inert').to.not.equal(outside);
    expect(el.getAttribute('status')).to.equal('consent');
  });
});
