/// <reference types="mocha" />
import { expect } from 'chai';
import { setViewport } from '../browser-engine.ts';
import { drawnPhoto, mount, nextEvent, part, submitPhoto, untilStatus } from './helpers.ts';

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

  it('on a desktop screen the whole result fits in the centred dialog without scrolling', async () => {
    await setViewport({ width: 1280, height: 800 });
    const spacer = document.createElement('div');
    spacer.style.height = '480px';
    document.body.append(spacer);
    const el = mount();
    el.style.marginLeft = '700px';
    await submitPhoto(el, await drawnPhoto());
    await untilStatus(el, 'complete', 20_000);
    const img = part<HTMLImageElement>(el, 'result-image')!;
    await img.decode();
    const panel = part(el, 'panel')!;
    const body = panel.querySelector('.body')!;
    // The frame takes the picture's ratio once it loads: judge the settled layout, giving it up to a second.
    const settleBy = performance.now() + 1000;
    do await new Promise((resolve) => requestAnimationFrame(resolve));
    while (body.scrollHeight > body.clientHeight + 1 && performance.now() < settleBy);
    expect(body.scrollHeight, 'no scrolling needed').to.be.at.most(body.clientHeight + 1);
    const box = img.getBoundingClientRect();
    const frame = panel.getBoundingClientRect();
    expect(box.top).to.be.at.least(frame.top);
    expect(box.bottom).to.be.at.most(frame.bottom);
    expect(frame.top).to.be.at.least(0);
    expect(frame.bottom).to.be.at.most(800);
    expect(box.height, 'result still a decent size').to.be.at.least(200);
  });
});
