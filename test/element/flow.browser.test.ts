/// <reference types="mocha" />
import { expect } from 'chai';
import { mount, nextEvent, part, submitPhoto, untilStatus } from './helpers.ts';

describe('<try-on-button> flow against the real endpoint (demo provider)', function () {
  this.timeout(30_000);
  afterEach(() => document.body.replaceChildren());

  it('goes processing → complete, fires try-on-complete with images and shows the result', async () => {
    const el = mount();
    const started = nextEvent<{ category: string; garment: string }>(el, 'try-on-start');
    const completed = nextEvent<{ images: string[] }>(el, 'try-on-complete');
    const statuses: string[] = [];
    el.addEventListener('try-on-progress', (e) => statuses.push(e.detail.status));
    await submitPhoto(el);
    expect(el.getAttribute('status')).to.equal('processing');
    expect(part(el, 'progress')).to.not.equal(null);

    const start = await started;
    expect(start.category).to.equal('top');
    // The relative garment attribute went out absolute, resolved against the page.
    expect(start.garment).to.equal(new URL('/test/element/fixtures/garment.png', document.baseURI).href);

    const { images } = await completed;
    await untilStatus(el, 'complete');
    expect(images).to.have.length.greaterThan(0);
    expect(statuses).to.include('completed');
    const img = part<HTMLImageElement>(el, 'result-image')!;
    expect(img.src).to.equal(images[0]);
    await img.decode();
    expect(img.naturalWidth).to.be.greaterThan(0);
    // The demo provider's composite is an SVG labelled as a preview.
    const svg = await (await fetch(images[0]!)).text();
    expect(svg).to.contain('Preview');
  });
});
