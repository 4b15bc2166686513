/// <reference types="mocha" />
import { expect } from 'chai';
import { GARMENT, consentAndSubmit, mount, nextEvent, openPanel, part, pickFile, submitPhoto, until, untilStatus } from './helpers.ts';

interface SubmitRecord {
  base: string;
  key: string | null;
  status: number;
}

async function resetSubmits(failCount = 0): Promise<void> {
  await fetch(`/api/__test/fail-submits?count=${failCount}`, { method: 'POST' });
}
async function submits(): Promise<SubmitRecord[]> {
  return (await fetch('/api/__test/submits')).json();
}

describe('<try-on-button> errors and retry', function () {
  this.timeout(40_000);
  afterEach(() => document.body.replaceChildren());

  it('shows a setup refusal that comes after the photo with only Close; fixed, the next try goes with a NEW key', async () => {
    await resetSubmits();
    const el = mount();
    await openPanel(el);
    // The page switches to a garment the endpoint does not allow after its check said yes.
    el.setAttribute('garment', 'https://not-allowed.example/shirt.png');
    const failed = nextEvent<{ code: string; message: string }>(el, 'try-on-error');
    await consentAndSubmit(el);
    const detail = await failed;
    await untilStatus(el, 'error');
    expect(detail.code).to.equal('garment_host_not_allowed');
    const error = part(el, 'error')!;
    expect(error.dataset.code).to.equal('garment_host_not_allowed');
    expect(error.textContent).to.contain(detail.message);
    expect(error.getAttribute('role')).to.equal('alert');
    expect(part(el, 'retry')).to.equal(null);
    expect(part(el, 'pick-another')).to.equal(null);

    part<HTMLButtonElement>(el, 'dismiss')!.click();
    await untilStatus(el, 'idle');
    el.setAttribute('garment', GARMENT);
    const completed = nextEvent<{ images: string[] }>(el, 'try-on-complete');
    await openPanel(el);
    part<HTMLButtonElement>(el, 'submit')!.click();
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('processing');
    expect((await completed).images.length).to.be.greaterThan(0);
    await untilStatus(el, 'complete');

    const log = (await submits()).filter((s) => s.base === '/api/try-on');
    expect(log).to.have.length(2);
    expect(log[0]!.status).to.be.within(400, 499);
    expect(log[1]!.status).to.equal(202);
    expect(log[0]!.key).to.match(/^[0-9a-f-]{36}$/);
    expect(log[1]!.key).to.not.equal(log[0]!.key);
  });

  it('re-sends after a gateway blip with the SAME key (one job, charged once)', async () => {
    await resetSubmits(1);
    const el = mount({ endpoint: '/api/flaky-try-on' });
    await submitPhoto(el);
    await untilStatus(el, 'complete', 20_000);
    const log = await submits();
    expect(log.map((s) => s.status)).to.deep.equal([503, 202]);
    expect(log[1]!.key).to.equal(log[0]!.key);
  });

  it('after retries run out the error is shown, and the retry button reuses the same key', async () => {
    await resetSubmits(3); // more than the client's automatic retries
    const el = mount({ endpoint: '/api/flaky-try-on' });
    await submitPhoto(el);
    await untilStatus(el, 'error', 20_000);
    expect(part(el, 'error')!.dataset.code).to.equal('provider_unavailable');
    part<HTMLButtonElement>(el, 'retry')!.click();
    await untilStatus(el, 'complete', 20_000);
    const log = await submits();
    expect(log.map((s) => s.status)).to.deep.equal([503, 503, 503, 202]);
    expect(new Set(log.map((s) => s.key)).size).to.equal(1);
  });

  it('a file that is not a photo fails in the browser: no upload, no retry, pick another', async () => {
    await resetSubmits();
    const el = mount();
    const failed = nextEvent<{ code: string }>(el, 'try-on-error');
    await openPanel(el);
    part<HTMLInputElement>(el, 'consent-checkbox')!.click();
    await el.updateComplete;
    pickFile(part<HTMLInputElement>(el, 'file-input')!, new File(['not a picture at all'], 'me.png', { type: 'image/png' }));
    await el.updateComplete;
    part<HTMLButtonElement>(el, 'submit')!.click();
    expect((await failed).code).to.equal('image_undecodable');
    await el.updateComplete;
    expect(part(el, 'retry')).to.equal(null);
    expect(part(el, 'pick-another')).to.not.equal(null);
    expect(await submits()).to.deep.equal([]);
  });

  it('cancel stops the job: back to capture, no result, polling stops', async () => {
    await resetSubmits();
    const el = mount();
    let completed = false;
    el.addEventListener('try-on-complete', () => (completed = true));
    const polls = () => performance.getEntriesByType('resource').filter((e) => /\/api\/try-on\/jobs\/./.test(e.name)).length;
    await submitPhoto(el);
    await until(
      () => part(el, 'cancel') !== null && el.shadowRoot!.querySelector('[data-step="queued"][data-state="current"]') !== null,
      10_000,
      'queued',
    );
    part<HTMLButtonElement>(el, 'cancel')!.click();
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('capture');
    const after = polls();
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(completed).to.equal(false);
    expect(el.getAttribute('status')).to.equal('capture');
    expect(polls()).to.equal(after);
  });

  it('a retry after the request changed (another garment) gets a new key even after a network-type failure', async () => {
    await resetSubmits(3);
    const el = mount({ endpoint: '/api/flaky-try-on' });
    await submitPhoto(el);
    await untilStatus(el, 'error', 20_000);
    el.setAttribute('garment', `${GARMENT}?colour=sand`);
    part<HTMLButtonElement>(el, 'retry')!.click();
    await untilStatus(el, 'complete', 20_000);
    const log = await submits();
    expect(log.map((s) => s.status)).to.deep.equal([503, 503, 503, 202]);
    expect(log[3]!.key).to.not.equal(log[0]!.key);
  });
});
