/// <reference types="mocha" />
/**
 * The Lit-free loader: the element a product page pays for before first use. Runs in its own
 * page, so the tag is defined here, after an element was already created and scripted.
 */
import { expect } from 'chai';
import type { TryOnButton } from '../../src/element/try-on-button.ts';

/** Lit's modules the page fetched so far (dev server URLs name the package). */
function litLoaded(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => /\/node_modules\/(lit|lit-html|lit-element|@lit\/reactive-element)\//.test(name));
}

describe('<try-on-button> loader', () => {
  let el: TryOnButton;

  before(async () => {
    // A page (or framework) sets properties and attributes before the module script ran.
    el = document.createElement('try-on-button') as TryOnButton;
    (el as unknown as { strings: object }).strings = { button: 'Essayez-le', badgeReady: 'Prêt' };
    (el as unknown as { category: string }).category = 'dress';
    el.setAttribute('endpoint', '/api/try-on');
    el.setAttribute('category', 'top');
    document.body.append(el);
    await import('../../src/element/define.ts');
    await el.updateComplete;
  });

  after(() => el.remove());

  it('renders the button without loading Lit', () => {
    const button = el.shadowRoot!.querySelector('[part="button"]')!;
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(button.querySelector('slot')).to.not.equal(null);
    expect(litLoaded()).to.deep.equal([]);
  });

  it('applies properties set before it was defined, over the attributes (as Lit does)', () => {
    expect(el.shadowRoot!.querySelector('[part="button"]')!.textContent).to.equal('Essayez-le');
    expect(el.category).to.equal('dress');
    expect(el.endpoint).to.equal('/api/try-on');
  });

  it('sets properties from attributes later on, and reflects only status', async () => {
    el.setAttribute('merchant', 'Maison Test');
    expect(el.merchant).to.equal('Maison Test');
    el.consentVersion = '2027-01';
    await el.updateComplete;
    expect(el.hasAttribute('consent-version')).to.equal(false);
    expect(el.getAttribute('status')).to.equal('idle');
  });

  it('puts back a status the page writes, attribute or property', async () => {
    el.setAttribute('status', 'complete');
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('idle');
    el.status = 'error';
    await el.updateComplete;
    expect(el.status).to.equal('idle');
    expect(el.getAttribute('status')).to.equal('idle');
  });

  it('batches changes into one update and says so in updateComplete', async () => {
    el.strings = { button: 'Un' };
    el.strings = { button: 'Deux' };
    expect(await el.updateComplete).to.equal(true);
    expect(el.shadowRoot!.querySelector('[part="button"]')!.textContent).to.equal('Deux');
  });

  it('runs Lit reactive controllers around its updates', async () => {
    const calls: string[] = [];
    const controller = { hostUpdate: () => calls.push('update'), hostUpdated: () => calls.push('updated') };
    el.addController(controller);
    el.requestUpdate();
    await el.updateComplete;
    el.removeController(controller);
    el.requestUpdate();
    await el.updateComplete;
    expect(calls).to.deep.equal(['update', 'updated']);
  });
});
