/// <reference types="mocha" />
/**
 * The shopper's side of the provider account's line (issue 13): while the endpoint answers
 * `queued` with a place, the queued step shows the place and the wait from each answer, the
 * `try-on-progress` event carries it, and Cancel gives the place up (`DELETE` on the job) and
 * goes back to the photo. The line is scripted by the dev endpoint's `/api/queued-try-on` mount
 * (the real handler with the demo provider once the line is over).
 */
import { expect } from 'chai';
import type { TryOnEventDetails } from '../../src/element/events.ts';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import { mount, part, submitPhoto, until, untilStatus } from './helpers.ts';

type Progress = TryOnEventDetails['try-on-progress'];

const setLine = (position: number, eta: number) => fetch(`/api/__test/queue?position=${position}&eta=${eta}`, { method: 'POST' });
const advance = () => fetch('/api/__test/queue/advance', { method: 'POST' });
const seen = async () => (await (await fetch('/api/__test/queue')).json()) as { polls: string[]; deletes: string[] };

const estimate = (el: TryOnButton) => part(el, 'estimate')?.textContent?.trim() ?? '';
const currentStep = (el: TryOnButton) => el.shadowRoot!.querySelector<HTMLElement>('[part="steps"] [aria-current="step"]')?.dataset.step;

async function untilEstimate(el: TryOnButton, text: string): Promise<void> {
  await until(() => estimate(el) === text, 10_000, `the estimate "${text}" (now "${estimate(el)}")`);
}

describe('waiting in the provider account line', function () {
  this.timeout(40_000);
  afterEach(async () => {
    document.body.replaceChildren();
    await setLine(0, 0);
  });

  it('the queued step shows the place and the wait from each answer, 3 → 2 → 1, then the job runs and completes', async () => {
    await setLine(3, 40);
    const el = mount({ endpoint: '/api/queued-try-on' });
    const events: Progress[] = [];
    el.addEventListener('try-on-progress', (event) => events.push(event.detail));
    await submitPhoto(el);

    await untilEstimate(el, 'In line: number 3, about 40 s');
    expect(currentStep(el)).to.equal('queued');
    expect(part(el, 'estimate')!.dataset.kind).to.equal('queue');
    // The first place came with the submit's answer; the polls keep saying it until the line moves.
    await until(() => events.some((e) => e.queue?.position === 3), 10_000, 'a poll in line');
    // The place does not move by itself: it is the endpoint's, from the next poll.
    await advance();
    await untilEstimate(el, 'In line: number 2, about 25 s');
    await advance();
    await untilEstimate(el, 'In line: number 1, about 10 s');
    expect(currentStep(el)).to.equal('queued');
    await advance();
    // Out of the line: the provider's own time left, then the result.
    await until(() => /^About \d+ seconds? left$/.test(estimate(el)), 10_000, 'the time left once out of the line');
    await untilStatus(el, 'complete', 20_000);

    const places = events.filter((e) => e.queue).map((e) => e.queue!.position);
    expect([...new Set(places)]).to.deep.equal([3, 2, 1]);
    expect(events.find((e) => e.queue)).to.deep.include({ status: 'queued', stage: 'queued', queue: { position: 3, etaSec: 40 } });
    const after = events.slice(events.findIndex((e) => e.status === 'processing'));
    expect(after.length, 'a processing answer came after the line').to.be.greaterThan(0);
    expect(after.every((e) => e.queue === undefined)).to.equal(true);
    expect(events[events.length - 1]!.status).to.equal('completed');
    expect((await seen()).deletes, 'a completed job is not deleted').to.deep.equal([]);
  });

  it('Cancel in line sends DELETE for that job, stops polling, keeps the photo; trying again is a new job', async () => {
    await setLine(3, 40);
    const el = mount({ endpoint: '/api/queued-try-on', lang: 'de' });
    await submitPhoto(el);
    await untilEstimate(el, 'In der Warteschlange: Platz 3, etwa 40 s');
    await until(async () => (await seen()).polls.length > 0, 10_000, 'a poll');
    const [job] = (await seen()).polls;

    part<HTMLButtonElement>(el, 'cancel')!.click();
    await untilStatus(el, 'capture');
    await until(async () => (await seen()).deletes.length > 0, 10_000, 'the DELETE');
    expect((await seen()).deletes).to.deep.equal([job]);
    // Back at the photo, which is kept: submitting needs no new pick.
    expect(part<HTMLImageElement>(el, 'preview')?.src).to.match(/^blob:/);
    const polled = (await seen()).polls.length;
    // Several poll intervals (500 ms here): none comes.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await seen()).polls.length, 'polls after cancel').to.equal(polled);

    // Nothing was paid for the cancelled job: a try again is a new job (a new key), not that one.
    part<HTMLButtonElement>(el, 'submit')!.click();
    await until(async () => (await seen()).polls.some((token) => token !== job), 10_000, 'a poll of a new job');
    expect(el.getAttribute('status')).to.equal('processing');
  });
});
