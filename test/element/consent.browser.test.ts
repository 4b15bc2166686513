/// <reference types="mocha" />
import { expect } from 'chai';
import { mount, nextEvent, openPanel, part, pickFile, shopperPhoto } from './helpers.ts';

describe('<try-on-button> consent gates the photo', () => {
  afterEach(() => document.body.replaceChildren());

  it('keeps the picker locked and reads nothing until the box is ticked', async () => {
    const el = mount({ 'consent-version': 'v-test-7', merchant: 'Linen & Co', 'policy-url': 'https://shop.example/privacy' });
    const photos: unknown[] = [];
    el.addEventListener('try-on-photo', (e) => photos.push(e.detail));
    await openPanel(el);
    expect(el.getAttribute('status')).to.equal('consent');

    const checkbox = part<HTMLInputElement>(el, 'consent-checkbox')!;
    expect(checkbox.checked).to.equal(false);
    expect(checkbox.closest('label')!.textContent).to.contain('Linen & Co');
    expect(el.shadowRoot!.querySelector<HTMLAnchorElement>('.consent a')!.href).to.equal('https://shop.example/privacy');
    const input = part<HTMLInputElement>(el, 'file-input')!;
    expect(input.type).to.equal('file');
    expect(input.accept).to.equal('image/*');
    expect(input.disabled).to.equal(true);
    expect(part<HTMLButtonElement>(el, 'choose')!.disabled).to.equal(true);

    // Even a file forced into the locked input is ignored: no preview, no event.
    pickFile(input, await shopperPhoto());
    await el.updateComplete;
    expect(part(el, 'preview')).to.equal(null);
    expect(photos).to.deep.equal([]);

    const consent = nextEvent<{ given: boolean; version: string }>(el, 'try-on-consent');
    checkbox.click();
    expect(await consent).to.deep.equal({ given: true, version: 'v-test-7' });
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('capture');
    expect(input.disabled).to.equal(false);
    expect(part<HTMLButtonElement>(el, 'choose')!.disabled).to.equal(false);

    const file = await shopperPhoto();
    pickFile(input, file);
    await el.updateComplete;
    expect(photos).to.deep.equal([{ type: 'image/png', size: file.size }]);
    expect(part<HTMLImageElement>(el, 'preview')!.src).to.match(/^blob:/);
    expect(part<HTMLButtonElement>(el, 'submit')!.disabled).to.equal(false);

    // Withdrawing consent locks everything again.
    part<HTMLInputElement>(el, 'consent-checkbox')!.click();
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('consent');
    expect(part<HTMLButtonElement>(el, 'submit')!.disabled).to.equal(true);
    expect(input.disabled).to.equal(true);
  });
});
