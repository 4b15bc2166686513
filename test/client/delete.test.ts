/**
 * The client's DELETE (src/client/delete.ts): the widget's cancel of a job in line (deleteJob) and
 * its "delete my photo" (deleteRemotePhoto) send one request shape and read the answer one way.
 */
import { describe, expect, it } from 'vitest';
import { deleteJob } from '../../src/client/delete.ts';
import { ClientError } from '../../src/client/errors.ts';
import { deleteRemotePhoto } from '../../src/client/photo-ref.ts';
import { scriptedFetch } from './fake-endpoint.ts';

const ENDPOINT = 'https://shop.example/api/try-on';

describe('deleteJob', () => {
  it('sends DELETE to the job, its token escaped, and takes a 2xx and 404 (already gone) as done', async () => {
    const { fetch, calls } = scriptedFetch([
      { json: {}, status: 200 },
      { json: { error: { code: 'not_found', message: 'gone' } }, status: 404 },
    ]);
    await deleteJob(ENDPOINT, 'a/b c', { fetch });
    await deleteJob(ENDPOINT, 'a/b c', { fetch });
    expect(calls.map((c) => [c.method, c.url])).toEqual([
      ['DELETE', `${ENDPOINT}/jobs/a%2Fb%20c`],
      ['DELETE', `${ENDPOINT}/jobs/a%2Fb%20c`],
    ]);
  });

  it('throws the endpoint refusal with its code, and network_error when unreachable', async () => {
    const { fetch } = scriptedFetch([
      { json: { error: { code: 'job_token_invalid', message: 'This try-on link is not valid.' } }, status: 401 },
      { networkError: true },
    ]);
    const refused = await deleteJob(ENDPOINT, 'job', { fetch }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClientError);
    expect(refused).toMatchObject({ code: 'job_token_invalid', status: 401 });
    await expect(deleteJob(ENDPOINT, 'job', { fetch })).rejects.toMatchObject({ code: 'network_error' });
  });
});

describe('deleteRemotePhoto', () => {
  it('takes photo_ref_invalid as done, and throws any other refusal', async () => {
    const { fetch, calls } = scriptedFetch([
      { json: { error: { code: 'photo_ref_invalid', message: 'expired' } }, status: 422 },
      { json: { error: { code: 'origin_not_allowed', message: 'no' } }, status: 403 },
    ]);
    await deleteRemotePhoto(ENDPOINT, 'ref', { fetch });
    await expect(deleteRemotePhoto(ENDPOINT, 'ref', { fetch })).rejects.toMatchObject({ code: 'origin_not_allowed' });
    expect(calls[0]).toMatchObject({ method: 'DELETE', url: `${ENDPOINT}/photos/ref` });
  });
});
