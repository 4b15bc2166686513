/**
 * The provider account's budget (issue 13, part 1), on the injected clock: counts per route
 * class in a window, a fair first-in first-out line for paid work, concurrent generations,
 * pauses after a 429, reads paced across the window, and one state shared by every instance.
 */
import { describe, expect, it } from 'vitest';
import { AccountBudget, accountName, type AccountLimits } from '../../../src/server/providers/budget.ts';
import { MemoryStore } from '../../../src/server/store/store.ts';
import { Clock } from '../helpers.ts';

const vtryLimits = { read: 60, write: 30, generate: 10, concurrency: 3 };

function budget(limits: AccountLimits = vtryLimits, clock = new Clock(), store = new MemoryStore(clock.now)) {
  return { b: new AccountBudget(store, clock.now, 'vtry:test', limits), clock, store };
}

describe('AccountBudget', () => {
  it("grants at most the window's count per class, then says how long until a call frees up", async () => {
    const { b, clock } = budget();
    for (let i = 0; i < 30; i++) expect(await b.tryTake('write')).toEqual({ ok: true });
    const refused = await b.tryTake('write');
    expect(refused.ok).toBe(false);
    // The window is a minute and a second (calls reach the provider a little after we count them).
    expect(!refused.ok && refused.waitMs).toBe(61_000);
    clock.advance(61_001);
    expect((await b.tryTake('write')).ok).toBe(true);
  });

  it('grants paid work first in, first out: a later ticket never overtakes an earlier one', async () => {
    const { b, clock } = budget({ generate: 2 });
    expect((await b.tryTake('generate', { id: 'a', at: 1 })).ok).toBe(true);
    expect((await b.tryTake('generate', { id: 'b', at: 2 })).ok).toBe(true);
    const c = await b.tryTake('generate', { id: 'c', at: 3 });
    const d = await b.tryTake('generate', { id: 'd', at: 4 });
    await b.tryTake('generate', { id: 'e', at: 5 });
    expect(!c.ok && c.place).toEqual({ position: 1, etaSec: 61 });
    expect(!d.ok && d.place?.position).toBe(2);
    // Waiting jobs poll: their places are kept while they do.
    for (let t = 0; t < 3; t++) {
      clock.advance(20_000);
      for (const [id, at] of [
        ['e', 5],
        ['d', 4],
        ['c', 3],
      ] as const)
        expect((await b.tryTake('generate', { id, at })).ok).toBe(false);
    }
    clock.advance(1_001);
    // Two calls are free again and e asks first: two stand ahead of it, so it waits.
    expect((await b.tryTake('generate', { id: 'e', at: 5 })).ok).toBe(false);
    expect((await b.tryTake('generate', { id: 'd', at: 4 })).ok).toBe(true);
    expect((await b.tryTake('generate', { id: 'c', at: 3 })).ok).toBe(true);
    expect((await b.place('e'))?.position).toBe(1);
  });

  it('holds generations to the concurrency, and a released slot lets the next one start', async () => {
    const { b } = budget();
    for (const id of ['a', 'b', 'c']) expect((await b.tryTake('generate', { id, at: 0 }, true)).ok).toBe(true);
    expect((await b.tryTake('generate', { id: 'd', at: 1 }, true)).ok).toBe(false);
    // A compose (no slot) behind it is not blocked by the slots.
    expect((await b.tryTake('generate', { id: 'e', at: 2 })).ok).toBe(true);
    await b.renameSlot('a', 'req_1');
    await b.releaseSlot('req_1');
    expect((await b.tryTake('generate', { id: 'd', at: 1 }, true)).ok).toBe(true);
    expect((await b.snapshot()).generationsRunning).toBe(3);
  });

  it('a 429 pauses the class for everyone until its Retry-After, and is remembered', async () => {
    const { b, clock } = budget();
    await b.pause('generate', clock.now() + 30_000);
    const refused = await b.tryTake('generate', { id: 'a', at: 0 });
    expect(!refused.ok && refused.waitMs).toBe(30_000);
    expect((await b.tryTake('read')).ok).toBe(true);
    expect((await b.snapshot()).last429).toBe(clock.now());
    clock.advance(30_000);
    expect((await b.tryTake('generate', { id: 'a', at: 0 })).ok).toBe(true);
  });

  it('paces reads across the window instead of spending the minute in a burst', async () => {
    const { b, clock } = budget();
    let granted = 0;
    for (let i = 0; i < 20; i++) if ((await b.tryTake('read')).ok) granted++;
    expect(granted).toBe(5); // a twelfth of 60 in any 5 s
    clock.advance(5_000);
    expect((await b.tryTake('read')).ok).toBe(true);
    expect(b.readIntervalMs(12)).toBe(12_000);
    expect(b.readIntervalMs(1)).toBe(1_000);
  });

  it('is one state for every instance sharing the store: two instances never exceed it together', async () => {
    const clock = new Clock();
    const store = new MemoryStore(clock.now);
    const one = new AccountBudget(store, clock.now, 'vtry:shared', { generate: 10 });
    const two = new AccountBudget(store, clock.now, 'vtry:shared', { generate: 10 });
    const grants = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).tryTake('generate')));
    expect(grants.filter((g) => g.ok)).toHaveLength(10);
  });

  it('a ticket nobody asks about leaves the line, so a shopper who left does not hold others up', async () => {
    const { b, clock } = budget({ generate: 1 });
    await b.tryTake('generate', { id: 'x', at: 0 });
    await b.tryTake('generate', { id: 'gone', at: 1 });
    await b.tryTake('generate', { id: 'here', at: 2 });
    expect((await b.place('here'))?.position).toBe(2);
    clock.advance(31_000);
    await b.tryTake('generate', { id: 'here', at: 2 });
    expect((await b.place('here'))?.position).toBe(1);
    await b.leave('here');
    expect(await b.place('here')).toBeUndefined();
  });

  it('names an account by provider and a digest, never the key', () => {
    const name = accountName('vtry', 'sk_live_secret_key_123');
    expect(name).toMatch(/^vtry:[0-9a-f]{12}$/);
    expect(name).not.toContain('secret');
    expect(accountName('vtry', 'another')).not.toBe(name);
  });
});
