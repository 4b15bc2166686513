/// <reference types="mocha" />
/**
 * PositionController on its own: in both shapes the panel is a native modal <dialog> (the page
 * behind inert and not scrolling), the shape follows the viewport's width, and closing gives the
 * page back.
 */
import { expect } from 'chai';
import { setViewport } from '../../browser-engine.ts';
import { html } from 'lit/html.js';
import { PositionController } from '../../../src/element/controllers/position.ts';
import { mountHost, type TestHost } from './test-host.ts';
import { until } from '../helpers.ts';

describe('PositionController', () => {
  let host: TestHost;
  let position: PositionController;
  const panel = () => host.renderRoot.querySelector<HTMLDialogElement>('[part="panel"]');

  beforeEach(() => {
    host = mountHost();
    host.view = () => html`<dialog part="panel"><button>Inside</button></dialog>`;
    position = new PositionController(host, panel);
  });

  afterEach(async () => {
    position.detach();
    document.body.replaceChildren();
    document.documentElement.style.overflow = '';
    await setViewport({ width: 1280, height: 800 });
  });

  for (const viewport of [
    { width: 390, height: 844, sheet: true },
    { width: 1280, height: 800, sheet: false },
  ]) {
    it(`${viewport.width}x${viewport.height}: ${viewport.sheet ? 'the sheet' : 'the centred dialog'}, modal, the page behind inert and not scrolling`, async () => {
      await setViewport(viewport);
      const outside = document.body.appendChild(document.createElement('button'));
      document.documentElement.style.overflow = 'clip';
      expect(position.sheet).to.equal(viewport.sheet);
      position.attach();
      host.requestUpdate();
      await host.updateComplete;
      expect(panel()!.matches(':modal'), 'shown modal').to.equal(true);
      outside.focus();
      expect(document.activeElement, 'the page behind is inert').to.not.equal(outside);
      expect(document.documentElement.style.overflow).to.equal('hidden');
      position.detach();
      expect(panel()!.open).to.equal(false);
      expect(document.documentElement.style.overflow, "the page's own value back").to.equal('clip');
      outside.focus();
      expect(document.activeElement).to.equal(outside);
    });
  }

  it('follows the viewport: the same open panel turns from sheet to dialog when the screen widens', async () => {
    await setViewport({ width: 390, height: 844 });
    position.attach();
    expect(position.sheet).to.equal(true);
    let updates = 0;
    host.addController({ hostUpdated: () => updates++ });
    await setViewport({ width: 1280, height: 800 });
    await until(() => updates > 0, 3000, 're-rendered on the change');
    expect(position.sheet).to.equal(false);
  });
});
