/// <reference types="mocha" />
import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { setViewport } from '../browser-engine.ts';
import { mount, nextEvent, openPanel, part, settled, until } from './helpers.ts';

describe('<try-on-button> dialog behaviour', () => {
  afterEach(async () => {
    document.body.replaceChildren();
    await setViewport({ width: 1280, height: 800 });
  });

  it('is a labelled dialog; focus moves in, Esc closes and focus returns to the button', async () => {
    const el = mount();
    const opened = nextEvent(document, 'try-on-open');
    const panel = await openPanel(el);
    await opened; // bubbles and is composed: heard on the document
    expect(panel.getAttribute('role')).to.equal('dialog');
    const title = el.shadowRoot!.getElementById(panel.getAttribute('aria-labelledby')!)!;
    expect(title.textContent).to.equal('Virtual try-on');
    expect(part(el, 'button')!.getAttribute('aria-expanded')).to.equal('true');
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'consent-checkbox'));

    const closed = nextEvent(el, 'try-on-close');
    await sendKeys({ press: 'Escape' });
    await closed;
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('idle');
    expect(part(el, 'panel')).to.equal(null);
    await until(() => el.shadowRoot!.activeElement === part(el, 'button'), 2000, 'focus back on the button');
    expect(part(el, 'button')!.getAttribute('aria-expanded')).to.equal('false');
  });

  it('the close part closes too, and consent is remembered on reopening', async () => {
    const el = mount();
    await openPanel(el);
    part<HTMLInputElement>(el, 'consent-checkbox')!.click();
    part<HTMLButtonElement>(el, 'close')!.click();
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('idle');
    await openPanel(el);
    expect(el.getAttribute('status')).to.equal('capture');
    expect(part<HTMLInputElement>(el, 'consent-checkbox')!.checked).to.equal(true);
  });

  it('is a full-screen modal sheet under 600 px wide', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = mount();
    const panel = await openPanel(el);
    await settled(panel);
    const rect = panel.getBoundingClientRect();
    expect([rect.left, rect.top, rect.width, rect.height]).to.deep.equal([0, 0, 390, 844]);
    expect(panel.getAttribute('aria-modal')).to.equal('true');
    expect(getComputedStyle(document.documentElement).overflow).to.equal('hidden');

    // Tab stays inside the modal sheet.
    for (let i = 0; i < 6; i++) {
      await sendKeys({ press: 'Tab' });
      expect(panel.contains(el.shadowRoot!.activeElement), `focus inside after ${i + 1} tabs`).to.equal(true);
    }
    el.close();
    expect(getComputedStyle(document.documentElement).overflow).to.not.equal('hidden');
  });

  it('is anchored to the button, inside the viewport, on wide screens', async () => {
    await setViewport({ width: 1280, height: 800 });
    const spacer = document.createElement('div');
    spacer.style.cssText = 'height: 120px';
    document.body.append(spacer);
    const el = mount();
    el.style.marginLeft = '600px';
    const panel = await openPanel(el);
    await settled(panel);
    const button = part(el, 'button')!.getBoundingClientRect();
    await until(() => Math.abs(panel.getBoundingClientRect().top - (button.bottom + 8)) < 1, 3000, 'panel placed under the button');
    const rect = panel.getBoundingClientRect();
    expect(rect.width).to.be.within(300, 400);
    expect(rect.right).to.be.closeTo(button.right, 1); // bottom-end placement
    expect(rect.bottom).to.be.at.most(800);
    expect(panel.hasAttribute('aria-modal')).to.equal(false);

    // Resizing down to phone width turns the same panel into the sheet.
    await setViewport({ width: 390, height: 844 });
    await until(() => panel.getBoundingClientRect().width === 390, 3000, 'sheet after resize');
    expect(panel.getAttribute('aria-modal')).to.equal('true');
  });

  it('a sheet opened on a narrow screen becomes the anchored panel when the screen widens', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = mount();
    const panel = await openPanel(el);
    expect(panel.classList.contains('sheet')).to.equal(true);
    await setViewport({ width: 1280, height: 800 });
    await until(
      () => panel.classList.contains('anchored') && panel.dataset.placement !== undefined,
      5000,
      'anchored and placed after widening',
    );
    expect(panel.hasAttribute('aria-modal')).to.equal(false);
    expect(getComputedStyle(document.documentElement).overflow, 'the page scrolls again').to.not.equal('hidden');
  });

  it('status is owned by the state machine: a page writing the attribute cannot move it', async () => {
    const el = mount();
    await el.updateComplete;
    el.setAttribute('status', 'complete');
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('idle');
    await openPanel(el);
    el.setAttribute('status', 'complete');
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('consent');
    expect(part(el, 'result-image')).to.equal(null);
  });

  it('replaces strings with the strings property', async () => {
    const el = mount();
    el.strings = { button: 'Anprobieren', choosePhoto: 'Foto wählen', consentLabel: (m) => `Ich stimme zu (${m}).` };
    await el.updateComplete;
    expect(part(el, 'button')!.textContent!.trim()).to.equal('Anprobieren');
    await openPanel(el);
    expect(part(el, 'choose')!.textContent!.trim()).to.equal('Foto wählen');
    expect(el.shadowRoot!.querySelector('.consent')!.textContent).to.contain('Ich stimme zu (Test Shop).');
    expect(part(el, 'close')!.getAttribute('aria-label')).to.equal('Close'); // untouched strings keep English
  });
});
