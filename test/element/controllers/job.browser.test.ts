/// <reference types="mocha" />
/**
 * JobController on its own against the real endpoint (demo provider): a whole job, cancel, and
 * resuming a job this tab submitted earlier without sending anything again.
 */
import { expect } from 'chai';
import { JobController, type PhotoToSend } from '../../../src/element/controllers/job.ts';
import { TurnstileCheck } from '../../../src/element/controllers/turnstile.ts';
import { productKey, readPending } from '../../../src/element/pending.ts';
import { defaultStrings } from '../../../src/element/strings.ts';
import type { ProcessedPhoto } from '../../../src/worker/index.ts';
import { drawnPhoto, until } from '../helpers.ts';
import { mountHost, type TestHost } from './test-host.ts';

const ENDPOINT = new URL('/api/try-on', document.baseURI).href;

async function photoToSend(): Promise<PhotoToSend & { prepares: number }> {
  const file = await drawnPhoto();
  const processed: ProcessedPhoto = { blob: file, width: 900, height: 1200, bytes: file.size, type: 'image/jpeg', ms: 0, checks: [] };
  const photo: PhotoToSend & { prepares: number } = {
    file,
    ref: undefined,
    prepares: 0,
    async prepared() {
      photo.prepares++;
      return processed;
    },
  };
  return photo;
}

interface Outcome {
  submitted: { photo: ProcessedPhoto; ref: string | undefined }[];
  images: string[][];
  failures: unknown[];
  said: string[];
}

function jobFor(host: TestHost, photo: PhotoToSend): { job: JobController; outcome: Outcome } {
  const outcome: Outcome = { submitted: [], images: [], failures: [], said: [] };
  const job = new JobController(host, {
    strings: () => defaultStrings,
    photo,
    turnstile: new TurnstileCheck(host, () => 'en'),
    announce: (text) => outcome.said.push(text),
    onSubmitted: (submitted, ref) => outcome.submitted.push({ photo: submitted, ref }),
    onComplete: (images) => outcome.images.push(images),
    onFail: (error) => outcome.failures.push(error),
  });
  return { job, outcome };
}

const submitsTo = async (base: string) =>
  ((await (await fetch('/api/__test/submits')).json()) as { base: string }[]).filter((s) => s.base === base).length;

describe('JobController', function () {
  this.timeout(30_000);
  afterEach(() => document.body.replaceChildren());

  it('submits the prepared photo, polls to the end and reports the result; the pending marker lives while the job does', async () => {
    const host = mountHost();
    host.product = 'job-whole';
    const photo = await photoToSend();
    const { job, outcome } = jobFor(host, photo);
    const run = job.run();
    await until(() => readPending(ENDPOINT, productKey('job-whole', undefined)) !== undefined, 10_000, 'the pending marker');
    await run;
    expect(outcome.failures).to.deep.equal([]);
    expect(outcome.images).to.have.length(1);
    expect(outcome.images[0]![0]).to.match(/^http:\/\/127\.0\.0\.1:\d+\/api\/try-on\//);
    expect(outcome.submitted).to.have.length(1);
    expect(outcome.submitted[0]!.ref, 'the endpoint handed back a photo handle').to.be.a('string');
    expect(photo.ref, 'kept on the photo for the next submit').to.equal(outcome.submitted[0]!.ref);
    expect(readPending(ENDPOINT, productKey('job-whole', undefined)), 'seen: dropped').to.equal(undefined);
    expect(host.events.map((e) => e.name)).to.include.members(['try-on-start', 'try-on-progress']);
    expect(outcome.said).to.include.members([defaultStrings.stagePreparing, defaultStrings.stageUploading, defaultStrings.stageFinishing]);
  });

  it('cancel stops the job: no result, no failure, nothing left to resume', async () => {
    const host = mountHost();
    host.product = 'job-cancel';
    const { job, outcome } = jobFor(host, await photoToSend());
    const run = job.run();
    await until(() => readPending(ENDPOINT, productKey('job-cancel', undefined)) !== undefined, 10_000, 'the pending marker');
    job.cancel();
    await run;
    expect(outcome.images).to.deep.equal([]);
    expect(outcome.failures).to.deep.equal([]);
    expect(readPending(ENDPOINT, productKey('job-cancel', undefined))).to.equal(undefined);
    expect(job.pending()).to.equal(undefined);
  });

  it('resumes a job submitted earlier without sending the photo again', async () => {
    const first = mountHost();
    first.product = 'job-resume';
    const earlier = jobFor(first, await photoToSend());
    const run = earlier.job.run();
    await until(() => readPending(ENDPOINT, productKey('job-resume', undefined)) !== undefined, 10_000, 'the pending marker');
    earlier.job.abort(new DOMException('The page went away.', 'AbortError')); // a reload: the marker stays
    await run;
    first.remove();

    const host = mountHost();
    host.product = 'job-resume';
    const photo = await photoToSend();
    const { job, outcome } = jobFor(host, photo);
    // Under another consent version than the one it was submitted with, it is not offered.
    host.consentVersion = '2099-01';
    expect(job.pending()).to.equal(undefined);
    host.consentVersion = '2026-11';
    const pending = job.pending();
    expect(pending?.consent).to.equal('2026-11');
    const before = await submitsTo('/api/try-on');
    await job.run(pending);
    expect(outcome.images).to.have.length(1);
    expect(await submitsTo('/api/try-on'), 'no submit').to.equal(before);
    expect(photo.prepares, 'the photo was not prepared').to.equal(0);
    expect(job.pending(), 'seen: nothing left to resume').to.equal(undefined);
  });
});
