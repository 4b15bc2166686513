/**
 * The shopper's photo does not outlive its use at the provider (issue 13, part 3): deleted there
 * once the photo's last job delivered its result (default retention) or when the photo handle
 * expires; a shopper's delete reaches every provider the photo went to, the failover provider
 * included; a failed deletion is kept and retried, never forgotten.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderContext } from '../../../src/server/providers/types.ts';
import { ProviderError } from '../../../src/server/providers/errors.ts';
import { PHOTO_TTL_MS } from '../../../src/server/jobs/photos.ts';
import { BASE, CountingAdapter, get, setup, submitRequest } from '../helpers.ts';

class ForgettingAdapter extends CountingAdapter {
  forgotten: string[] = [];
  failures = 0;
  constructor(name = 'counting') {
    super();
    Object.defineProperty(this, 'name', { value: name });
  }
  async forgetPhoto(ref: string, _ctx: ProviderContext) {
    if (this.failures > 0) {
      this.failures--;
      throw new ProviderError('unavailable', 'provider down');
    }
    this.forgotten.push(ref);
  }
}

const submitted = async (response: Response) => (await response.json()) as { job: string; photoRef: string };
const poll = async (s: ReturnType<typeof setup>, job: string) =>
  (await (await s.handler(get(`/jobs/${job}`))).json()) as { status: string };

describe('deletion at the provider', () => {
  it('by default, once the result is delivered: exactly once, however often it is polled', async () => {
    const adapter = new ForgettingAdapter();
    const s = setup({}, adapter);
    const { job, photoRef } = await submitted(await s.handler(submitRequest()));
    s.clock.advance(3000);
    expect((await poll(s, job)).status).toBe('processing');
    expect(adapter.forgotten).toEqual([]);
    adapter.state = { status: 'completed', images: ['https://cdn.example/r.png'] };
    s.clock.advance(3000);
    expect((await poll(s, job)).status).toBe('completed');
    for (let i = 0; i < 3; i++) await poll(s, job);
    expect(adapter.forgotten).toEqual([photoRef]);
    expect(s.logs).toContainEqual(expect.objectContaining({ event: 'provider_photo_deleted', provider: 'counting' }));
  });

  it("waits for the photo's last job in flight (a second product from the same photo)", async () => {
    const adapter = new ForgettingAdapter();
    const s = setup({}, adapter);
    const first = await submitted(await s.handler(submitRequest()));
    const second = await submitted(await s.handler(submitRequest({ photo: null, photoRef: first.photoRef })));
    adapter.state = { status: 'completed', images: ['https://cdn.example/r.png'] };
    s.clock.advance(3000);
    await poll(s, first.job);
    expect(adapter.forgotten).toEqual([]);
    await poll(s, second.job);
    expect(adapter.forgotten).toEqual([first.photoRef]);
  });

  it('with retention "photo", and for a job nobody polls to its end: when the photo handle expires', async () => {
    const adapter = new ForgettingAdapter();
    const s = setup({ providerRetention: 'photo' }, adapter);
    const done = await submitted(await s.handler(submitRequest()));
    adapter.state = { status: 'completed', images: ['https://cdn.example/r.png'] };
    s.clock.advance(3000);
    await poll(s, done.job);
    expect(adapter.forgotten).toEqual([]);

    const abandoned = setup({}, new ForgettingAdapter());
    const left = await submitted(await abandoned.handler(submitRequest()));
    const other = await submitted(await abandoned.handler(submitRequest()));

    s.clock.advance(PHOTO_TTL_MS);
    await poll(s, done.job);
    expect(adapter.forgotten).toEqual([done.photoRef]);

    abandoned.clock.advance(PHOTO_TTL_MS);
    await poll(abandoned, other.job);
    expect((abandoned.adapter as ForgettingAdapter).forgotten).toContain(left.photoRef);
  });

  it('a failed deletion is kept in the store and tried again later, until it succeeds', async () => {
    const adapter = new ForgettingAdapter();
    adapter.failures = 2;
    const s = setup({}, adapter);
    const { job, photoRef } = await submitted(await s.handler(submitRequest()));
    adapter.state = { status: 'completed', images: ['https://cdn.example/r.png'] };
    s.clock.advance(3000);
    await poll(s, job);
    expect(adapter.forgotten).toEqual([]);
    expect(s.logs).toContainEqual(expect.objectContaining({ event: 'provider_photo_delete_failed', attempts: 1 }));
    // Not before its delay; then again (fails), then again (succeeds).
    await poll(s, job);
    expect(adapter.failures).toBe(1);
    s.clock.advance(61_000);
    await poll(s, job);
    expect(adapter.failures).toBe(0);
    expect(adapter.forgotten).toEqual([]);
    s.clock.advance(121_000);
    await poll(s, job);
    expect(adapter.forgotten).toEqual([photoRef]);
  });

  it("a shopper's delete reaches every provider the photo went to, the failover provider included", async () => {
    const primary = new ForgettingAdapter();
    primary.submitError = new ProviderError('busy', 'rate limited', { providerStatus: 429, retryAfterSec: 5 });
    const fallback = new ForgettingAdapter('second');
    const s = setup({ fallbacks: [{ provider: 'second', apiKey: 'key-of-the-second-9' }], adapters: { second: fallback } }, primary);
    const { photoRef } = await submitted(await s.handler(submitRequest()));
    expect(fallback.submits).toHaveLength(1);
    expect((await s.handler(new Request(`${BASE}/photos/${photoRef}`, { method: 'DELETE' }))).status).toBe(204);
    expect(fallback.forgotten).toEqual([photoRef]);
    expect(primary.forgotten).toEqual([photoRef]);
  });
});
