/// <reference types="mocha" />
/**
 * Accessibility of every status of the panel, in each engine (Chromium, Firefox, WebKit):
 * axe-core on the element's shadow DOM (default theme and both demo themes), a full run by
 * keyboard alone, focus management of the modal sheet and the modal centred dialog, live announcements, and
 * prefers-reduced-motion.
 */
import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { emulateReducedMotion, engineGap, pressChord, setViewport } from '../browser-engine.ts';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import type { TryOnStatus } from '../../src/element/machine.ts';
import { forgetEverything } from '../../src/client/memory.ts';
import { axeCheck } from './axe.ts';
import { consentAndSubmit, mount, nextEvent, openPanel, part, pickFile, shopperPhoto, submitPhoto, until, untilStatus } from './helpers.ts';

const checked = new Set<string>();

function active(el: TryOnButton): Element | null {
  return el.shadowRoot!.activeElement;
}

async function shiftTab(): Promise<void> {
  await pressChord(['Shift', 'Tab']);
}

/** Presses Tab (Shift+Tab when `backwards`) until `predicate(active)` holds; fails after `max` presses. */
async function tabTo(el: TryOnButton, predicate: (a: Element | null) => boolean, what: string, max = 15, backwards = false): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (predicate(active(el))) return;
    if (backwards) await shiftTab();
    else await sendKeys({ press: 'Tab' });
  }
  throw new Error(`Tab never reached ${what}; focus is on ${active(el)?.outerHTML.slice(0, 120) ?? 'nothing in the widget'}`);
}

/** Drives a fresh element into `status`, the way a shopper gets there. */
async function reach(status: Exclude<TryOnStatus, 'idle'>, attributes: Record<string, string> = {}): Promise<TryOnButton> {
  const el = mount({ 'policy-url': '/privacy', ...attributes });
  if (status === 'consent') {
    await openPanel(el);
  } else if (status === 'capture') {
    await openPanel(el);
    part<HTMLInputElement>(el, 'consent-checkbox')!.click();
    await el.updateComplete;
    pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
  } else if (status === 'error') {
    // A refusal after the photo: the garment changes once the endpoint's check said yes.
    await openPanel(el);
    el.setAttribute('garment', 'https://not-allowed.example/shirt.png');
    await consentAndSubmit(el);
  } else {
    await submitPhoto(el);
  }
  await untilStatus(el, status, 20_000);
  await el.updateComplete;
  return el;
}

/** Waits for entrance animations and transitions (endless ones aside): axe measures colours mid-fade otherwise. */
async function settle(el: TryOnButton): Promise<void> {
  const finite = el.shadowRoot!.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
  await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
}

async function expectNoSevereViolations(el: TryOnButton, label: string): Promise<void> {
  await settle(el);
  const report = await axeCheck(el);
  report.rulesChecked.forEach((rule) => checked.add(rule));
  if (report.all.length) console.log(`[axe] ${label}: ${report.all.join('\n  ')}`);
  expect(report.severe, `${label}: serious/critical axe violations`).to.deep.equal([]);
}

describe('<try-on-button> accessibility', function () {
  this.timeout(60_000);

  // The one-time guidance has its own test below; elsewhere the shopper has seen it.
  beforeEach(() => localStorage.setItem('try-on-button:guidance-seen', '1'));
  afterEach(async () => {
    document.body.replaceChildren();
    sessionStorage.clear();
    await forgetEverything();
    document.getElementById('demo-css')?.remove();
    delete document.documentElement.dataset.tryonTheme;
    // Where the driver cannot emulate media, the engine's own setting (no preference) stays.
    await emulateReducedMotion('no-preference');
    await setViewport({ width: 1280, height: 800 });
  });

  after(() => console.log(`[axe] rules checked (${checked.size}): ${[...checked].join(', ')}`));

  const statuses = ['consent', 'capture', 'processing', 'complete', 'error'] as const;
  for (const viewport of [
    { name: 'centred dialog 1280x800', width: 1280, height: 800 },
    { name: 'phone sheet 390x844', width: 390, height: 844 },
  ]) {
    for (const status of statuses) {
      it(`axe: no serious or critical violations in "${status}" (${viewport.name}, default theme)`, async () => {
        await setViewport(viewport);
        const el = await reach(status);
        if (status === 'processing') expect(el.getAttribute('status')).to.equal('processing');
        await expectNoSevereViolations(el, `${status} ${viewport.name}`);
      });
    }
  }

  for (const theme of ['saltmarsh', 'midnight']) {
    for (const status of statuses) {
      it(`axe: no serious or critical violations in "${status}" with the demo's ${theme} theme`, async () => {
        const link = Object.assign(document.createElement('link'), { id: 'demo-css', rel: 'stylesheet', href: '/demo/site/styles.css' });
        const loaded = new Promise((resolve) => link.addEventListener('load', resolve, { once: true }));
        document.head.append(link);
        await loaded;
        if (theme !== 'saltmarsh') document.documentElement.dataset.tryonTheme = theme;
        const el = await reach(status);
        // The theme really applies (a stale selector would test the default theme twice).
        const surface = getComputedStyle(part(el, 'panel')!).backgroundColor;
        expect(surface).to.equal(theme === 'midnight' ? 'rgb(20, 22, 28)' : 'rgb(255, 255, 255)');
        await expectNoSevereViolations(el, `${status} ${theme}`);
      });
    }
  }

  it('axe: the one-time photo guidance has no serious or critical violations', async () => {
    localStorage.removeItem('try-on-button:guidance-seen');
    const el = mount();
    await openPanel(el);
    part<HTMLInputElement>(el, 'consent-checkbox')!.click();
    await until(() => part(el, 'guidance') !== null, 5000, 'the guidance');
    await expectNoSevereViolations(el, 'guidance');
  });

  it('a full run by keyboard alone: open, consent, picker, submit, result, close', async () => {
    const el = mount({ 'policy-url': '/privacy' });
    await el.updateComplete;
    part(el, 'button')!.focus();
    await sendKeys({ press: 'Enter' });
    await untilStatus(el, 'consent');
    await until(() => active(el) === part(el, 'consent-checkbox'), 3000, 'focus on the consent box');

    // ' ', not 'Space': puppeteer's WebDriver BiDi keyboard (Firefox) knows no key named Space.
    await sendKeys({ press: ' ' });
    await untilStatus(el, 'capture');
    expect(part<HTMLInputElement>(el, 'consent-checkbox')!.checked).to.equal(true);

    // The file input is reached through its visible button; the native chooser is the browser's.
    const input = part<HTMLInputElement>(el, 'file-input')!;
    let chooserOpened = 0;
    input.addEventListener('click', (event) => {
      chooserOpened++;
      event.preventDefault(); // headless Chromium has no one to pick the file: the test does it below
    });
    await tabTo(el, (a) => a === part(el, 'choose'), 'the choose-photo button');
    await sendKeys({ press: 'Enter' });
    expect(chooserOpened, 'Enter on "Choose a photo" opens the file chooser').to.equal(1);
    pickFile(input, await shopperPhoto());
    await until(() => part(el, 'submit') !== null, 5000, 'the submit button');

    await tabTo(el, (a) => a === part(el, 'submit'), 'the submit button');
    const completed = nextEvent(el, 'try-on-complete');
    await sendKeys({ press: 'Enter' });
    await untilStatus(el, 'processing');
    await completed;
    await untilStatus(el, 'complete', 20_000);
    await until(() => !!active(el) && part(el, 'panel')!.contains(active(el)), 3000, 'focus inside the result view');

    const closed = nextEvent(el, 'try-on-close');
    // Back to the panel's first control: forward, focus would leave the document after the last
    // control, and where it goes from there is the driver's (Firefox's returns to that control).
    await tabTo(el, (a) => a === part(el, 'close'), 'the close button', 25, true);
    await sendKeys({ press: 'Enter' });
    await closed;
    await untilStatus(el, 'idle');
    await until(() => active(el) === part(el, 'button'), 3000, 'focus back on the trigger');
  });

  it('every interactive control in every status has an accessible name', async () => {
    for (const status of statuses) {
      const el = await reach(status);
      const controls = [
        ...el.shadowRoot!.querySelectorAll<HTMLElement>('button, input, a[href], select, textarea, [role="slider"], [tabindex="0"]'),
      ].filter((c) => c.getClientRects().length > 0 && c.getAttribute('aria-hidden') !== 'true');
      expect(controls.length, `${status}: controls found`).to.be.greaterThan(0);
      for (const control of controls) {
        const labelled =
          control.getAttribute('aria-label')?.trim() ||
          control.getAttribute('aria-labelledby') ||
          control.closest('label')?.textContent?.trim() ||
          control.textContent?.trim() ||
          (control as HTMLInputElement).labels?.length;
        expect(Boolean(labelled), `${status}: ${control.outerHTML.slice(0, 100)}`).to.equal(true);
      }
      document.body.replaceChildren();
    }
  });

  it('phone sheet: Tab stays inside the modal dialog', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = await reach('capture');
    const panel = part(el, 'panel')!;
    expect(panel.getAttribute('aria-modal')).to.equal('true');
    for (let i = 0; i < 8; i++) {
      await sendKeys({ press: 'Tab' });
      expect(panel.contains(active(el)), `focus inside after ${i + 1} Tab`).to.equal(true);
    }
  });

  it('phone sheet: Shift+Tab stays inside the modal dialog', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = await reach('capture');
    const panel = part(el, 'panel')!;
    for (let i = 0; i < 8; i++) {
      await shiftTab();
      expect(panel.contains(active(el)), `focus inside after ${i + 1} Shift+Tab`).to.equal(true);
    }
  });

  it('centred dialog: modal like the sheet; Tab from its last control wraps to the first, never to the page; Esc from inside closes', async () => {
    const el = await reach('consent');
    const after = Object.assign(document.createElement('button'), { textContent: 'After the widget' });
    document.body.append(after);
    const panel = part(el, 'panel')!;
    expect(panel.getAttribute('aria-modal')).to.equal('true');
    // Shift+Tab from the first control wraps to the last, not back to the trigger.
    part(el, 'close')!.focus();
    await shiftTab();
    expect(panel.contains(active(el)), 'Shift+Tab from the first control stays inside').to.equal(true);
    for (let i = 0; i < 10; i++) {
      await sendKeys({ press: 'Tab' });
      expect(document.activeElement, `Tab ${i + 1} stays in the widget`).to.equal(el);
      expect(panel.contains(active(el)), `Tab ${i + 1} stays in the dialog`).to.equal(true);
    }
    part<HTMLInputElement>(el, 'consent-checkbox')!.focus();
    await sendKeys({ press: 'Escape' });
    await untilStatus(el, 'idle');
    await until(() => active(el) === part(el, 'button'), 3000, 'focus back on the trigger');
  });

  it('announces status changes politely and errors assertively, each once', async () => {
    const el = mount();
    await openPanel(el);
    const live = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
    expect(live.getAttribute('role')).to.equal('status');
    expect(live.textContent!.trim()).to.equal('Try-on panel opened.');

    const seen = new Set<string>();
    const observer = new MutationObserver(() => seen.add(live.textContent!.trim()));
    observer.observe(live, { childList: true, characterData: true, subtree: true });
    part<HTMLInputElement>(el, 'consent-checkbox')!.click();
    await el.updateComplete;
    pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
    await el.updateComplete;
    part<HTMLButtonElement>(el, 'submit')!.click();
    await untilStatus(el, 'complete', 20_000);
    observer.disconnect();
    expect([...seen]).to.include('Creating your preview…');
    expect(live.textContent!.trim()).to.equal('Your try-on preview is ready.');
    document.body.replaceChildren();

    const failing = await reach('error');
    const alert = part(failing, 'error')!;
    expect(alert.getAttribute('role')).to.equal('alert');
    // A setup refusal is said in one heading (no "That did not work" before it).
    const message = alert.querySelector('h3')!.textContent!.trim();
    expect(message).to.equal('Try-on isn’t set up for this product yet.');
    // The alert speaks the error; the polite region must not repeat it.
    const politeText = failing.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent!;
    expect(politeText).to.not.contain(message);
  });

  it('prefers-reduced-motion: no animations or transitions in any status', async function () {
    await engineGap(this, 'no-media-emulation');
    const emulation = await emulateReducedMotion('reduce');
    expect(emulation.emulated, emulation.reason).to.equal(true);
    for (const status of statuses) {
      const el = await reach(status);
      expect(el.shadowRoot!.getAnimations(), `${status}: running animations`).to.deep.equal([]);
      const moving = [...el.shadowRoot!.querySelectorAll('*')].filter((node) => {
        const style = getComputedStyle(node);
        const durations = `${style.transitionDuration},${style.animationDuration}`.split(',').map((d) => parseFloat(d));
        return style.animationName !== 'none' || durations.some((d) => d > 0);
      });
      expect(
        moving.map((node) => node.outerHTML.slice(0, 80)),
        `${status}: elements with motion`,
      ).to.deep.equal([]);
      document.body.replaceChildren();
    }
  });
});
