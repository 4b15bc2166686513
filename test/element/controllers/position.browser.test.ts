/// <reference types="mocha" />
/**
 * PositionController on its own, in a page of its own: the sheet needs no code to place (a
 * narrow screen never fetches floating-ui), the anchored panel loads it when it is prepared.
 */
import { expect } from 'chai';
import { setViewport } from '../../browser-engine.ts';
import { html } from 'lit/html.js';
import { PositionController } from '../../../src/element/controllers/position.ts';
import { mountHost, type TestHost } from './test-host.ts';
import { until } from '../helpers.ts';

const anchorLoads = () =>
  performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => name.includes('/src/element/controllers/anchor.ts') || name.includes('@floating-ui'));

describe('PositionController', () => {
  let host: TestHost;
  let position: PositionController;
  const panel = () => host.renderRoot.querySelector<HTMLElement>('[part="panel"]');

  beforeEach(() => {
    host = mountHost();
    host.view = () =>
      html`<div part="panel" popover="manual" style="position: fixed; inset: auto; width: 300px; height: 200px">
        <div class="body">Panel</div>
      </div>`;
    position = new PositionController(host, panel);
  });

  afterEach(async () => {
    position.detach();
    document.body.replaceChildren();
    await setViewport({ width: 1280, height: 800 });
  });

  it('on a narrow screen: a sheet, shown in the top layer, the page behind it not scrolling; floating-ui never fetched', async () => {
    await setViewport({ width: 390, height: 844 });
    document.documentElement.style.overflow = 'clip';
    await position.prepare();
    expect(position.sheet).to.equal(true);
    position.attach();
    host.requestUpdate();
    await host.updateComplete;
    expect(panel()!.matches(':popover-open')).to.equal(true);
    expect(document.documentElement.style.overflow).to.equal('hidden');
    position.detach();
    expect(document.documentElement.style.overflow, "the page's own value back").to.equal('clip');
    document.documentElement.style.overflow = '';
    expect(anchorLoads()).to.deep.equal([]);
  });

  it('on a wide screen: prepare() loads the anchored placement, and the panel is placed next to the button', async () => {
    await position.prepare();
    expect(anchorLoads().length).to.be.greaterThan(0);
    expect(position.sheet).to.equal(false);
    position.attach();
    host.requestUpdate();
    await host.updateComplete;
    await until(() => panel()!.dataset.placement !== undefined, 5000, 'placed by floating-ui');
    const button = host.buttonElement.getBoundingClientRect();
    const box = panel()!.getBoundingClientRect();
    expect(box.top).to.be.closeTo(button.bottom + 8, 1);
    expect(document.documentElement.style.overflow).to.not.equal('hidden');
    position.detach();
    expect(panel()!.dataset.placement, 'what anchoring wrote is removed').to.equal(undefined);
    expect(panel()!.style.top).to.equal('');
  });
});
