/// <reference types="mocha" />
import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { setViewport } from '../browser-engine.ts';
import { drawnPhoto, holdPolls, mount, nextEvent, openPanel, part, pickFile, settled, until, untilStatus } from './helpers.ts';

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

  it('is a centred modal dialog of a fixed size on wide screens, wherever the button is', async () => {
    await setViewport({ width: 1280, height: 800 });
    const spacer = document.createElement('div');
    spacer.style.cssText = 'height: 120px';
    document.body.append(spacer);
    const el = mount();
    el.style.marginLeft = '600px';
    const panel = await openPanel(el);
    await settled(panel);
    expect(panel.localName).to.equal('dialog');
    expect(panel.matches(':modal'), 'shown with showModal()').to.equal(true);
    expect(panel.getAttribute('aria-modal')).to.equal('true');
    const rect = panel.getBoundingClientRect();
    expect(rect.left, 'centred across').to.be.closeTo(1280 - rect.right, 1);
    expect(rect.top, 'centred down').to.be.closeTo(800 - rect.bottom, 1);
    expect(rect.width, 'roomy: the picture has a pane of its own').to.be.at.least(900);
    expect(rect.height).to.be.within(600, 800);
    expect(getComputedStyle(document.documentElement).overflow, 'the page behind does not scroll').to.equal('hidden');

    // Resizing down to phone width turns the same panel into the sheet.
    await setViewport({ width: 390, height: 844 });
    await until(() => panel.getBoundingClientRect().width === 390, 3000, 'sheet after resize');
    expect(panel.matches(':modal')).to.equal(true);
  });

  it('a sheet opened on a narrow screen becomes the centred dialog when the screen widens', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = mount();
    const panel = await openPanel(el);
    expect(panel.classList.contains('sheet')).to.equal(true);
    await setViewport({ width: 1280, height: 800 });
    await until(() => panel.classList.contains('centred'), 5000, 'centred after widening');
    expect(panel.matches(':modal')).to.equal(true);
  });

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]) {
    it(`${viewport.width}x${viewport.height}: the result is at least 60 % of the shorter side, and the dialog does not move from consent to result`, async () => {
      await setViewport(viewport);
      const el = mount({ 'product-name': 'Linen shirt', size: 'M' });
      const panel = await openPanel(el);
      await settled(panel);
      const edges = (step: string) => {
        const { top, left, width, height } = panel.getBoundingClientRect();
        return { step, top, left, width, height };
      };
      const seen = [edges('consent')];

      part<HTMLInputElement>(el, 'consent-checkbox')!.click();
      await el.updateComplete;
      pickFile(part<HTMLInputElement>(el, 'file-input')!, await drawnPhoto());
      await until(() => part(el, 'submit') !== null, 5000, 'the chosen photo');
      await part<HTMLImageElement>(el, 'preview')!.decode();
      seen.push(edges('photo'));

      const release = holdPolls();
      try {
        part<HTMLButtonElement>(el, 'submit')!.click();
        await untilStatus(el, 'processing');
        seen.push(edges('processing'));
      } finally {
        release();
      }
      await untilStatus(el, 'complete', 20_000);
      const img = part<HTMLImageElement>(el, 'result-image')!;
      await img.decode();
      await new Promise((resolve) => requestAnimationFrame(resolve));
      seen.push(edges('result'));
      for (const step of seen.slice(1)) expect(step, `${step.step} as at consent`).to.deep.equal({ ...seen[0], step: step.step });

      const shorter = Math.min(viewport.width, viewport.height);
      const box = img.getBoundingClientRect();
      expect(box.height, `result ${Math.round(box.width)}x${Math.round(box.height)}`).to.be.at.least(0.6 * shorter);
      // Whole, inside the dialog, and nothing of the picture scrolled away.
      const frame = panel.getBoundingClientRect();
      expect(box.top).to.be.at.least(frame.top);
      expect(box.bottom).to.be.at.most(frame.bottom);
      expect(part(el, 'add-to-cart')!.getBoundingClientRect().bottom, 'Add to cart in view').to.be.at.most(frame.bottom);
      // The buy box the dialog covers, restated beside Add to cart.
      expect(part(el, 'product')?.textContent?.replace(/\s+/g, ' ').trim(), 'the buy box, restated').to.equal('Linen shirt Size M');
    });
  }

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
