/// <reference types="mocha" />
import { expect } from 'chai';
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

  it('loads only the button until the shopper shows intent, then prefetches the panel without opening it', async () => {
    const el = mount();
    await el.updateComplete;
    expect(part(el, 'button')).to.not.equal(null);
    for (const heavy of ['/src/element/panel.ts', '@floating-ui', '/src/client/', '/src/worker/', 'comlink']) {
      expect(loaded(heavy), `${heavy} before first use`).to.deep.equal([]);
    }

    part<HTMLButtonElement>(el, 'button')!.dispatchEvent(new PointerEvent('pointerenter'));
    await until(() => loaded('/src/element/panel.ts').length > 0, 5000, 'panel prefetch');
    await until(() => loaded('@floating-ui').length > 0, 5000, 'floating-ui with the panel');
    expect(el.getAttribute('status')).to.equal('idle');
    expect(part(el, 'panel')).to.equal(null);

    part<HTMLButtonElement>(el, 'button')!.click();
    await until(() => part(el, 'panel') !== null, 5000, 'panel');
    expect(el.getAttribute('status')).to.equal('consent');
  });
});
