import { describe, expect, it } from 'vitest';
import { transition, TRY_ON_STATUSES, type TryOnAction, type TryOnStatus } from '../../src/element/machine.ts';

function run(from: TryOnStatus, ...actions: TryOnAction[]): TryOnStatus {
  return actions.reduce(transition, from);
}

describe('status state machine', () => {
  it('opens to consent, or straight to capture once consent was given', () => {
    expect(transition('idle', { type: 'open', consented: false })).toBe('consent');
    expect(transition('idle', { type: 'open', consented: true })).toBe('capture');
  });

  it('walks the happy path', () => {
    expect(run('idle', { type: 'open', consented: false }, { type: 'consent', given: true }, { type: 'submit' }, { type: 'complete' })).toBe('complete');
  });

  it('cannot submit without consent, and withdrawing consent locks capture again', () => {
    expect(transition('consent', { type: 'submit' })).toBe('consent');
    expect(transition('capture', { type: 'consent', given: false })).toBe('consent');
  });

  it('error offers retry (back to processing) and pick-another (back to capture)', () => {
    expect(run('processing', { type: 'fail' }, { type: 'retry' })).toBe('processing');
    expect(run('processing', { type: 'fail' }, { type: 'pick-another' })).toBe('capture');
    expect(transition('complete', { type: 'pick-another' })).toBe('capture');
  });

  it('cancel leaves processing for capture', () => {
    expect(transition('processing', { type: 'cancel' })).toBe('capture');
  });

  it('close returns every status to idle', () => {
    for (const status of TRY_ON_STATUSES) expect(transition(status, { type: 'close' })).toBe('idle');
  });

  it('ignores actions that do not apply, so late results cannot move it', () => {
    expect(transition('capture', { type: 'complete' })).toBe('capture');
    expect(transition('capture', { type: 'fail' })).toBe('capture');
    expect(transition('idle', { type: 'complete' })).toBe('idle');
    expect(transition('complete', { type: 'fail' })).toBe('complete');
    expect(transition('error', { type: 'complete' })).toBe('error');
  });
});
