import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TYPICAL_MS,
  DurationMemory,
  durationKey,
  estimateRemaining,
  progressValue,
  queueWait,
  stepOf,
  stepStates,
  typicalDuration,
} from '../../src/element/progress-model.ts';
import type { TryOnStage } from '../../src/element/events.ts';
import { ProgressTracker } from '../../src/element/progress-tracker.ts';

const STAGES: TryOnStage[] = ['preparing', 'uploading', 'queued', 'processing', 'finishing'];

describe('steps', () => {
  it('maps the five stages onto four steps, finishing counted as generating', () => {
    expect(STAGES.map(stepOf)).toEqual(['preparing', 'uploading', 'queued', 'generating', 'generating']);
  });

  it('ticks every step before the current one and leaves the rest pending', () => {
    expect(stepStates('queued').map((s) => s.state)).toEqual(['done', 'done', 'current', 'pending']);
    expect(stepStates('preparing').map((s) => s.state)).toEqual(['current', 'pending', 'pending', 'pending']);
    expect(stepStates('finishing').map((s) => s.state)).toEqual(['done', 'done', 'done', 'current']);
  });
});

describe('progressValue', () => {
  it('moves with the upload within its band and never leaves 0..100', () => {
    expect(progressValue('uploading', 0, 0, 20_000)).toBe(25);
    expect(progressValue('uploading', 0.5, 0, 20_000)).toBe(37);
    expect(progressValue('uploading', 1, 0, 20_000)).toBe(49);
    expect(progressValue('uploading', 7, 0, 20_000)).toBe(49);
    expect(progressValue('uploading', Number.NaN, 0, 20_000)).toBe(25);
  });

  it('agrees with the steps: with n steps ticked the bar is within the nth quarter, whatever the upload and the wait', () => {
    for (const stage of STAGES) {
      const done = stepStates(stage).filter((s) => s.state === 'done').length;
      for (const fraction of [0, 0.3, 1]) {
        for (const waited of [0, 5_000, 20_000, 600_000]) {
          const value = progressValue(stage, fraction, waited, 20_000);
          expect(value, `${stage} ${fraction} ${waited}`).toBeGreaterThanOrEqual(25 * done);
          expect(value, `${stage} ${fraction} ${waited}`).toBeLessThan(25 * (done + 1));
        }
      }
    }
  });

  it('never goes back as the stages advance and time passes, and stays below 96 until finishing', () => {
    const values: number[] = [progressValue('preparing', 0, 0, 20_000)];
    for (let f = 0; f <= 1; f += 0.1) values.push(progressValue('uploading', f, 0, 20_000));
    for (let t = 0; t <= 60_000; t += 1000) values.push(progressValue(t < 5000 ? 'queued' : 'processing', 1, t, 20_000));
    values.push(progressValue('finishing', 1, 60_000, 20_000));
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(Math.max(...values.slice(0, -1))).toBeLessThanOrEqual(95);
    expect(values[values.length - 1]).toBe(97);
  });
});

describe('estimateRemaining', () => {
  it('counts down from the typical duration in whole seconds, in 5 s steps above 10 s', () => {
    expect(estimateRemaining(0, 20_000)).toEqual({ kind: 'seconds', seconds: 20 });
    expect(estimateRemaining(3_200, 20_000)).toEqual({ kind: 'seconds', seconds: 20 });
    expect(estimateRemaining(8_000, 20_000)).toEqual({ kind: 'seconds', seconds: 15 });
    expect(estimateRemaining(12_500, 20_000)).toEqual({ kind: 'seconds', seconds: 8 });
    expect(estimateRemaining(18_900, 20_000)).toEqual({ kind: 'seconds', seconds: 2 });
  });

  it('is never negative nor zero: past the estimate it says "almost"', () => {
    for (let waited = 0; waited <= 40_000; waited += 250) {
      const r = estimateRemaining(waited, 20_000);
      if (r.kind === 'seconds') expect(r.seconds).toBeGreaterThanOrEqual(1);
      else expect(waited).toBeGreaterThanOrEqual(19_000);
    }
    expect(estimateRemaining(25_000, 20_000)).toEqual({ kind: 'almost' });
    expect(estimateRemaining(-5_000, 2_000)).toEqual({ kind: 'seconds', seconds: 2 });
    expect(estimateRemaining(0, Number.NaN)).toEqual({ kind: 'almost' });
  });
});

describe('typical duration and its memory', () => {
  it('is the median of recent samples, or the default before any', () => {
    expect(typicalDuration([])).toBe(DEFAULT_TYPICAL_MS);
    expect(typicalDuration([4000, 60_000, 5000])).toBe(5000);
    expect(typicalDuration([4000, 6000])).toBe(5000);
    expect(typicalDuration([-1, Number.NaN, 3000])).toBe(3000);
  });

  it('keeps the last five per endpoint in storage and survives blocked or corrupt storage', () => {
    const map = new Map<string, string>();
    const store = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    const memory = new DurationMemory(store);
    for (const ms of [1000, 2000, 3000, 4000, 5000, 6000]) memory.record('https://a/api', ms);
    memory.record('https://b/api', 9000);
    memory.record('https://a/api', -3);
    expect(JSON.parse(map.get(durationKey('https://a/api'))!)).toEqual([2000, 3000, 4000, 5000, 6000]);
    expect(memory.typical('https://a/api')).toBe(4000);
    expect(new DurationMemory(store).typical('https://b/api')).toBe(9000);

    map.set(durationKey('https://c/api'), '{not json');
    expect(memory.typical('https://c/api')).toBe(DEFAULT_TYPICAL_MS);

    const blocked = new DurationMemory({
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    blocked.record('https://a/api', 7000);
    expect(blocked.typical('https://a/api')).toBe(7000);
  });
});

describe('ProgressTracker', () => {
  it('starts the clock when the provider takes the job and records the duration on completion', () => {
    let now = 0;
    let renders = 0;
    const map = new Map<string, string>();
    const memory = new DurationMemory({ getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) });
    const tracker = new ProgressTracker(
      () => renders++,
      memory,
      () => now,
    );
    tracker.begin('https://shop/api');
    tracker.setStage('uploading');
    expect(tracker.remaining).toBeUndefined();
    const before = renders;
    for (let i = 0; i <= 1000; i++) tracker.setUpload(i / 1000);
    expect(renders - before, 'one render per whole percent').toBe(100);
    expect(tracker.uploadPercent).toBe(100);
    now = 500;
    tracker.setStage('queued');
    now = 6_500;
    expect(tracker.remaining).toEqual({ kind: 'seconds', seconds: 15 });
    tracker.setStage('processing');
    now = 8_500;
    tracker.completed();
    expect(JSON.parse(map.get(durationKey('https://shop/api'))!)).toEqual([8000]);
    tracker.begin('https://shop/api');
    tracker.setStage('queued');
    expect(tracker.remaining).toEqual({ kind: 'seconds', seconds: 8 });
    tracker.stop();
  });
});

describe('the queued step in the provider account line', () => {
  it('says the place and the endpoint estimate, rounded like the time left, never 0', () => {
    expect(queueWait({ position: 3, etaSec: 40 })).toEqual({ position: 3, seconds: 40 });
    expect(queueWait({ position: 2, etaSec: 41 })).toEqual({ position: 2, seconds: 45 });
    expect(queueWait({ position: 1, etaSec: 7.2 })).toEqual({ position: 1, seconds: 8 });
    expect(queueWait({ position: 1, etaSec: 130 })).toEqual({ position: 1, seconds: 130 });
    expect(queueWait({ position: 0, etaSec: 0 })).toEqual({ position: 1, seconds: 1 });
    expect(queueWait({ position: Number.NaN, etaSec: Number.NaN })).toEqual({ position: 1, seconds: 1 });
  });

  it('holds the place while in line (no time-left, the bar does not creep), and the clock starts when the job leaves it', () => {
    let now = 0;
    const map = new Map<string, string>();
    const memory = new DurationMemory({ getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) });
    const tracker = new ProgressTracker(
      () => {},
      memory,
      () => now,
    );
    tracker.begin('https://shop/api');
    tracker.setStage('uploading');
    tracker.setStage('queued', { position: 3, etaSec: 40 });
    expect(tracker.queue).toEqual({ position: 3, seconds: 40 });
    expect(tracker.steps.find((s) => s.state === 'current')?.step).toBe('queued');
    expect(tracker.remaining).toBeUndefined();
    const atStart = tracker.value;
    now = 60_000;
    tracker.setStage('queued', { position: 1, etaSec: 6 });
    expect(tracker.queue).toEqual({ position: 1, seconds: 6 });
    expect(tracker.remaining, 'no "almost done" after a minute in line').toBeUndefined();
    expect(tracker.value).toBe(atStart);
    // Out of the line (the provider has it): the place goes, the provider's clock starts now.
    tracker.setStage('queued');
    expect(tracker.queue).toBeUndefined();
    expect(tracker.remaining).toEqual({ kind: 'seconds', seconds: 20 });
    now = 64_000;
    tracker.setStage('processing', { position: 9, etaSec: 9 });
    expect(tracker.queue, 'a place only belongs to the queued step').toBeUndefined();
    now = 70_000;
    tracker.completed();
    expect(JSON.parse(map.get(durationKey('https://shop/api'))!), 'the wait in line is not the provider pace').toEqual([10_000]);
    tracker.stop();
  });
});
