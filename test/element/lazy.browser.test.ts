/// <reference types="mocha" />
import { expect } from 'chai';
import { setViewport } from '../browser-engine.ts';
import { mount, part, until } from './helpers.ts';

/** Scripts the page has fetched so far whose URL contains `needle`. */
function loaded(needle: string): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => name.includes(needle));
}

// Runs in its own page (one page per test file), so nothing has loaded the panel before.
describe('<try-on-button> lazy loading', () => {
  afterEach(() => document.body.replaceChildren());
  after(() => setViewport({ width: 1280, height: 800 }));

  it('loads only the button until the shopper shows intent, then prefetches the panel (without floating-ui) and does not open it', async () => {
    const el = mount();
    await el.updateComplete;
    expect(part(el, 'button')).to.not.equal(null);
    for (const heavy of ['/src/element/panel.ts', '@floating-ui', '/src/client/', '/src/worker/', 'comlink']) {
      expect(loaded(heavy), `${heavy} before first use`).to.deep.equal([]);
    }

    part<HTMLButtonElement>(el, 'button')!.dispatchEvent(new PointerEvent('pointerenter'));
    await until(() => loaded('/src/element/panel.ts').length > 0, 5000, 'panel prefetch');
    await until(() => loaded('/src/element/views/').length > 0, 5000, 'the views with the panel');
    expect(el.getAttribute('status')).to.equal('idle');
    expect(part(el, 'panel')).to.equal(null);
    expect(loaded('@floating-ui'), 'floating-ui with the prefetch').to.deep.equal([]);
  });

  it('the phone sheet never fetches floating-ui; the anchored panel fetches it when it opens', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = mount();
    part<HTMLButtonElement>(el, 'button')!.click();
    await until(() => part(el, 'panel') !== null, 5000, 'panel');
    expect(el.getAttribute('status')).to.equal('consent');
    expect(part(el, 'panel')!.classList.contains('sheet')).to.equal(true);
    el.close();
    await el.updateComplete;
    expect(loaded('@floating-ui'), 'floating-ui for the phone sheet').to.deep.equal([]);
    expect(loaded('/src/element/controllers/anchor.ts')).to.deep.equal([]);

    await setViewport({ width: 1280, height: 800 });
    await el.open();
    const panel = part(el, 'panel')!;
    expect(panel.classList.contains('anchored'), 'anchored from the first render').to.equal(true);
    expect(loaded('/src/element/controllers/anchor.ts')).to.have.length(1);
    expect(loaded('@floating-ui').length).to.be.greaterThan(0);
    await until(() => panel.dataset.placement !== undefined, 5000, 'the panel placed by floating-ui');
  });
});
