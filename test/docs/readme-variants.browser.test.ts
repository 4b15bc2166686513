/// <reference types="mocha" />
/**
 * The README's "Variants and add to cart" example, run as written in Chromium against the real
 * endpoint: its HTML and its script, with one change only, the garment images' paths, which point
 * at this dev server's fixture (the example's /img/... does not exist here). The shop's cart
 * (`/cart/add.js`) is answered in the page, and each request it got is checked.
 */
import { expect } from 'chai';
import { setViewport } from '../browser-engine.ts';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import { consentAndSubmit, drawnPhoto, GARMENT, nextEvent, openPanel, part, until, untilStatus } from '../element/helpers.ts';

/** The first html and js code blocks after the README's variants example marker. */
async function readmeExample(): Promise<{ markup: string; script: string }> {
  const readme = await (await fetch('/README.md')).text();
  const from = readme.indexOf('<!-- example: variants');
  expect(from, 'the README marks its variants example').to.be.greaterThan(0);
  const rest = readme.slice(from);
  const markup = /```html\n([\s\S]*?)```/.exec(rest)![1]!;
  const script = /```js\n([\s\S]*?)```/.exec(rest)![1]!;
  return { markup, script };
}

describe('README: the variants example runs', function () {
  this.timeout(60_000);
  const carts: unknown[] = [];
  const realFetch = window.fetch;

  before(() => {
    window.fetch = (input, init) => {
      if (String(input) === '/cart/add.js') {
        carts.push(JSON.parse(String(init?.body)));
        return Promise.resolve(Response.json({ items: [] }));
      }
      return realFetch(input, init);
    };
  });
  after(() => {
    window.fetch = realFetch;
    document.body.replaceChildren();
  });

  it('wires the page pickers to the element, both ways, and adds the variant shown to the cart', async () => {
    await setViewport({ width: 390, height: 844 });
    const { markup, script } = await readmeExample();
    const page = document.createElement('div');
    page.innerHTML = markup.replace(/\/img\/shirt-(\w+)\.png/g, `${GARMENT}?colour=$1`);
    document.body.append(page);
    new Function(script)();

    const el = document.querySelector('try-on-button') as TryOnButton;
    const colour = document.querySelector<HTMLSelectElement>('#colour')!;
    const size = document.querySelector<HTMLSelectElement>('#size')!;
    expect([el.variantId, el.variant, el.size]).to.deep.equal(['navy', 'Navy / M', 'M']);

    await openPanel(el);
    const completed = nextEvent(el, 'try-on-complete');
    await consentAndSubmit(el, await drawnPhoto());
    await completed;
    await untilStatus(el, 'complete', 20_000);
    await el.updateComplete;
    const cartButton = () => part<HTMLButtonElement>(el, 'add-to-cart')!;
    expect(cartButton().textContent!.trim()).to.equal('Add Navy / M to cart');

    // The shopper changes the size on the page while the result is shown.
    size.value = 'L';
    size.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(cartButton().textContent!.trim()).to.equal('Add Navy / L to cart');

    // Another colour on the result: the page's picker follows.
    const again = nextEvent(el, 'try-on-complete');
    el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="variant"]')[2]!.click();
    await again;
    await untilStatus(el, 'complete', 20_000);
    await el.updateComplete;
    expect(colour.value).to.equal('sky');
    expect(cartButton().textContent!.trim()).to.equal('Add Sky / L to cart');

    cartButton().click();
    await until(() => cartButton().dataset.state === 'added', 5_000, 'the added state');
    expect(cartButton().textContent!.trim()).to.equal('Added to cart');
    expect(carts).to.deep.equal([{ items: [{ id: 'sky-L', quantity: 1 }] }]);
  });
});
