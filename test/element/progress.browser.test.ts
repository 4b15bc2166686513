/// <reference types="mocha" />
import { expect } from 'chai';
import { durationKey } from '../../src/element/progress-model.ts';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import { GARMENT, mount, part, submitPhoto, until, untilStatus } from './helpers.ts';

const endpoint = () => new URL('/api/try-on', document.baseURI).href;

/** Records, on every render, the current step, the stage line and the live region's text. */
function recordProgress(el: TryOnButton) {
  const steps: string[] = [];
  const percents: number[] = [];
  const live: string[] = [];
  const estimates: string[] = [];
  const doneWhenGenerating: string[][] = [];
  /** Each render's bar value beside the number of ticked steps, when they disagree. */
  const disagreements: string[] = [];
  /** The garment image shown while processing. */
  const garments = new Set<string>();
  const take = () => {
    const root = el.shadowRoot!;
    const bar = root.querySelector('[role="progressbar"]');
    if (bar) {
      const value = Number(bar.getAttribute('aria-valuenow'));
      const done = root.querySelectorAll('[part="steps"] [data-state="done"]').length;
      if (value < 25 * done || value >= 25 * (done + 1)) disagreements.push(`${value}% with ${done} steps done`);
      const garment = root.querySelector<HTMLImageElement>('.preview.working img.garment');
      if (garment) garments.add(garment.src);
    }
    const current = root.querySelector<HTMLElement>('[part="steps"] [aria-current="step"]')?.dataset.step;
    if (current && steps[steps.length - 1] !== current) {
      steps.push(current);
      if (current === 'generating') {
        doneWhenGenerating.push(
          [...root.querySelectorAll<HTMLElement>('[part="steps"] [data-state="done"]')].map((li) => li.dataset.step!),
        );
      }
    }
    const line = root.querySelector('.stage')?.textContent ?? '';
    const match = current === 'uploading' ? /(\d+)%/.exec(line) : null;
    if (match) percents.push(Number(match[1]));
    const spoken = root.querySelector('[role="status"][aria-live]')?.textContent?.trim();
    if (spoken && live[live.length - 1] !== spoken) live.push(spoken);
    const eta = root.querySelector('[part="estimate"]')?.textContent?.trim();
    if (eta && estimates[estimates.length - 1] !== eta) estimates.push(eta);
  };
  const observer = new MutationObserver(take);
  observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true, attributes: true });
  return { steps, percents, live, estimates, doneWhenGenerating, disagreements, garments, stop: () => observer.disconnect() };
}

describe('progress: steps, upload percent, estimate, cancel (real endpoint, demo provider)', function () {
  this.timeout(30_000);
  afterEach(() => {
    document.body.replaceChildren();
    localStorage.removeItem(durationKey(endpoint()));
  });

  it('advances the four steps in order, ticks the done ones, and the upload percent reaches 100', async () => {
    localStorage.removeItem(durationKey(endpoint()));
    const el = mount();
    const record = recordProgress(el);
    await submitPhoto(el);
    await untilStatus(el, 'complete', 20_000);
    record.stop();
    expect(record.steps).to.deep.equal(['preparing', 'uploading', 'queued', 'generating']);
    expect(record.doneWhenGenerating[0]).to.deep.equal(['preparing', 'uploading', 'queued']);
    expect(record.percents.length, 'the percent was shown while uploading').to.be.greaterThan(0);
    expect(record.percents[record.percents.length - 1]).to.equal(100);
    const sorted = [...record.percents].sort((a, b) => a - b);
    expect(record.percents, 'the percent never goes back').to.deep.equal(sorted);
    // Step changes are announced; the percent is not (it would chatter).
    expect(record.live).to.include.members(['Sending your photo…', 'Waiting for the try-on service…', 'Creating your preview…']);
    expect(record.live.some((text) => /%/.test(text))).to.equal(false);
    // One progress: the bar never says more or less than the ticked steps.
    expect(record.disagreements).to.deep.equal([]);
    // What is being made: the garment beside the shopper's photo.
    expect([...record.garments]).to.deep.equal([new URL(GARMENT, document.baseURI).href]);
  });

  it('shows a time-left estimate (default ~20 s), never negative, then learns the real pace', async () => {
    localStorage.removeItem(durationKey(endpoint()));
    const el = mount();
    const record = recordProgress(el);
    await submitPhoto(el);
    await untilStatus(el, 'complete', 20_000);
    record.stop();
    expect(record.estimates.length).to.be.greaterThan(0);
    expect(record.estimates[0]).to.equal('About 20 seconds left');
    for (const text of record.estimates) {
      const seconds = /About (-?\d+) seconds? left/.exec(text);
      if (seconds) expect(Number(seconds[1])).to.be.at.least(1);
      else expect(text).to.equal('Almost done…');
    }
    // The demo job takes ~3.5 s from acceptance: that is what the next estimate starts from.
    const samples = JSON.parse(localStorage.getItem(durationKey(endpoint())) ?? '[]') as number[];
    expect(samples).to.have.length(1);
    expect(samples[0]).to.be.within(2_500, 10_000);
  });

  it('says "Almost done…" once the typical time has passed, while still waiting', async () => {
    localStorage.setItem(durationKey(endpoint()), JSON.stringify([1500]));
    const el = mount();
    await submitPhoto(el);
    await until(() => part(el, 'estimate')?.textContent?.trim() === 'Almost done…', 10_000, 'the "almost done" line');
    // The demo job needs ~3.5 s: the line switched before the result, not because of it.
    expect(el.getAttribute('status')).to.equal('processing');
    expect(part(el, 'estimate')!.dataset.kind).to.equal('almost');
    const bar = el.shadowRoot!.querySelector('[role="progressbar"]')!;
    expect(Number(bar.getAttribute('aria-valuenow'))).to.be.within(50, 95);
    await untilStatus(el, 'complete', 20_000);
  });

  it('cancel while queued stops polling: no status request and no progress event after it', async () => {
    const el = mount();
    await submitPhoto(el);
    await until(
      () => el.shadowRoot!.querySelector<HTMLElement>('[part="steps"] [aria-current="step"]')?.dataset.step === 'queued',
      10_000,
      'the queued step',
    );
    const polls = () =>
      performance.getEntriesByType('resource').filter((e) => /\/api\/try-on\/jobs\/[^/]+$/.test(new URL(e.name).pathname)).length;
    const before = polls();
    let progressEvents = 0;
    el.addEventListener('try-on-progress', () => progressEvents++);
    part<HTMLButtonElement>(el, 'cancel')!.click();
    await untilStatus(el, 'capture');
    // Longer than the demo's whole job (~3.5 s) and several poll intervals.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(polls() - before, 'status requests after cancel').to.equal(0);
    expect(progressEvents).to.equal(0);
    expect(el.getAttribute('status')).to.equal('capture');
    expect(part(el, 'result-image')).to.equal(null);
  });
});
