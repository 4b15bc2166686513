/// <reference types="mocha" />
import { expect } from 'chai';
import { submitJob } from '../../src/client/submit.ts';
import { ClientError } from '../../src/client/errors.ts';
import { drawnPhoto } from '../element/helpers.ts';

const base = (path: string) => new URL(path, document.baseURI).href;
const fields = async () => ({
  photo: await drawnPhoto(),
  garment: base('/test/element/fixtures/garment.png'),
  category: 'top',
  consent: '2026-11',
});

describe('submitJob in the browser: XMLHttpRequest with upload progress (real endpoint)', function () {
  this.timeout(20_000);

  it('reports the upload as it goes, ending at 1, and gets the job', async () => {
    const seen: number[] = [];
    const answer = await submitJob(base('/api/try-on'), await fields(), {
      idempotencyKey: crypto.randomUUID(),
      onUploadProgress: (f) => seen.push(f),
    });
    expect(answer.job).to.be.a('string');
    expect(seen[0]).to.equal(0);
    expect(seen[seen.length - 1]).to.equal(1);
    expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
    const entry = performance
      .getEntriesByType('resource')
      .filter((e) => e.name.endsWith('/api/try-on/jobs'))
      .pop() as PerformanceResourceTiming;
    expect(entry.initiatorType).to.equal('xmlhttprequest');
  });

  it('re-sends after 503s with the same Idempotency-Key, the upload starting again each time', async () => {
    await fetch('/api/__test/fail-submits?count=2', { method: 'POST' });
    const seen: number[] = [];
    const key = crypto.randomUUID();
    const answer = await submitJob(base('/api/flaky-try-on'), await fields(), {
      idempotencyKey: key,
      onUploadProgress: (f) => seen.push(f),
      random: () => 0,
    });
    expect(answer.job).to.be.a('string');
    const submits = (await (await fetch('/api/__test/submits')).json()) as { key: string; status: number }[];
    expect(submits.map((s) => s.status)).to.deep.equal([503, 503, 202]);
    expect(submits.every((s) => s.key === key)).to.equal(true);
    expect(seen.filter((f) => f === 0).length).to.equal(3);
  });

  for (const when of [0, 1]) {
    it(`rejects with the abort reason when aborted at upload ${when === 0 ? 'start (before send)' : 'end (request in flight)'}`, async () => {
      const controller = new AbortController();
      const promise = submitJob(base('/api/try-on'), await fields(), {
        idempotencyKey: crypto.randomUUID(),
        signal: controller.signal,
        onUploadProgress: (f) => {
          if (f === when) controller.abort(new DOMException('closed', 'AbortError'));
        },
      });
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e as DOMException,
      );
      expect(error?.name).to.equal('AbortError');
      expect(error?.message).to.equal('closed');
    });
  }

  it('turns a refused connection into network_error', async () => {
    const error = await submitJob('http://127.0.0.1:9/api', await fields(), { idempotencyKey: 'k', retries: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ClientError);
    expect((error as ClientError).code).to.equal('network_error');
  });
});
