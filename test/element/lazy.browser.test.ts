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

  it('loads only the button until the shopper shows intent, then prefetches the panel and does not open it', async () => {
    const el = mount();
    await el.updateComplete;
    expect(part(el, 'button')).to.not.equal(null);
    for (const heavy of ['/src/element/panel.ts', '/src/client/', '/src/worker/', 'comlink']) {
      expect(loaded(heavy), `${heavy} before first use`).to.deep.equal([]);
    }

    part<HTMLButtonElement>(el, 'button')!.dispatchEvent(new PointerEvent('pointerenter'));
    await until(() => loaded('/src/element/panel.ts').length > 0, 5000, 'panel prefetch');
    await until(() => loaded('/src/element/views/').length > 0, 5000, 'the views with the panel');
    expect(el.getAttribute('status')).to.equal('idle');
    expect(part(el, 'panel')).to.equal(null);
  });

  it('both shapes open from the same chunk: nothing more loads for the desktop dialog than for the phone sheet', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = mount();
    part<HTMLButtonElement>(el, 'button')!.click();
    await until(() => part(el, 'panel') !== null, 5000, 'panel');
    expect(el.getAttribute('status')).to.equal('consent');
    expect(part(el, 'panel')!.classList.contains('sheet')).to.equal(true);
    el.close();
    await el.updateComplete;
    const scripts = () => loaded('/src/').length + loaded('/node_modules/').length;
    const before = scripts();

    await setViewport({ width: 1280, height: 800 });
    await el.open();
    expect(part(el, 'panel')!.classList.contains('centred'), 'the centred dialog from the first render').to.equal(true);
    expect(scripts(), 'no module fetched for the desktop dialog').to.equal(before);
    expect(loaded('@floating-ui')).to.deep.equal([]);
  });
});
