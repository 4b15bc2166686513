import { describe, expect, it } from 'vitest';
import {
  IDLE,
  transition,
  TRY_ON_STATUSES,
  type ShownError,
  type TryOnAction,
  type TryOnState,
  type TryOnStatus,
} from '../../src/element/machine.ts';

const refused: ShownError = { code: 'garment_host_not_allowed', message: 'Not set up.', details: undefined, retryable: true };
const photoRefused: ShownError = { code: 'image_undecodable', message: 'Cannot read it.', details: undefined, retryable: false };
const fail = (error: ShownError = refused): TryOnAction => ({ type: 'fail', error });
const complete: TryOnAction = { type: 'complete', images: ['https://shop.test/result.png'] };

/** A state in `status` as the machine itself gets there from idle. */
function reach(status: TryOnStatus): TryOnState {
  const paths: Record<TryOnStatus, TryOnAction[]> = {
    idle: [],
    consent: [{ type: 'open', consented: false }],
    capture: [{ type: 'open', consented: true }],
    processing: [{ type: 'open', consented: true }, { type: 'submit' }],
    complete: [{ type: 'open', consented: true }, { type: 'submit' }, complete],
    error: [{ type: 'open', consented: true }, { type: 'submit' }, fail()],
  };
  return run(IDLE, ...paths[status]);
}

function run(from: TryOnState, ...actions: TryOnAction[]): TryOnState {
  return actions.reduce(transition, from);
}

const statusAfter = (from: TryOnStatus, ...actions: TryOnAction[]) => run(reach(from), ...actions).status;

describe('status state machine', () => {
  it('opens to consent, or straight to capture once consent was given', () => {
    expect(statusAfter('idle', { type: 'open', consented: false })).toBe('consent');
    expect(statusAfter('idle', { type: 'open', consented: true })).toBe('capture');
  });

  it('walks the happy path, and the complete state carries the images', () => {
    const done = run(IDLE, { type: 'open', consented: false }, { type: 'consent', given: true }, { type: 'submit' }, complete);
    expect(done).toEqual({ status: 'complete', images: ['https://shop.test/result.png'] });
  });

  it('cannot submit without consent, and withdrawing consent locks capture again', () => {
    expect(statusAfter('consent', { type: 'submit' })).toBe('consent');
    expect(statusAfter('capture', { type: 'consent', given: false })).toBe('consent');
  });

  it('error offers retry (back to processing) and pick-another (back to capture)', () => {
    expect(statusAfter('processing', fail(), { type: 'retry' })).toBe('processing');
    expect(statusAfter('processing', fail(), { type: 'pick-another' })).toBe('capture');
    expect(statusAfter('complete', { type: 'pick-another' })).toBe('capture');
  });

  it('an error is a state with its error, reached from processing', () => {
    expect(run(reach('processing'), fail())).toEqual({ status: 'error', error: refused });
  });

  it('a refusal before anything was sent goes from capture straight to error, with no submit staged', () => {
    // A photo the device cannot read, or a security check that failed: nothing was sent.
    expect(run(reach('capture'), fail(photoRefused))).toEqual({ status: 'error', error: photoRefused });
    // A retry refused at the check replaces the error shown.
    expect(run(reach('error'), fail(photoRefused))).toEqual({ status: 'error', error: photoRefused });
  });

  it('a submit from the result (another variant, the same photo) goes straight to processing', () => {
    expect(statusAfter('complete', { type: 'submit' })).toBe('processing');
  });

  it('cancel leaves processing for capture', () => {
    expect(statusAfter('processing', { type: 'cancel' })).toBe('capture');
  });

  it("opens straight into the error when the endpoint's check refused the product: no consent, no capture", () => {
    const setup: ShownError = { ...refused, retryable: false, setup: true };
    expect(run(IDLE, { type: 'open', consented: false, error: setup })).toEqual({ status: 'error', error: setup });
    expect(run(IDLE, { type: 'open', consented: true, error: setup })).toEqual({ status: 'error', error: setup });
    expect(statusAfter('error', { type: 'close' })).toBe('idle');
  });

  it('a setup refusal that comes after opening (a late product check) ends the consent step; no other failure does', () => {
    const setup: ShownError = { ...refused, retryable: false, setup: true };
    expect(run(reach('consent'), fail(setup))).toEqual({ status: 'error', error: setup });
    expect(statusAfter('consent', fail())).toBe('consent');
  });

  it('close returns every status to idle', () => {
    for (const status of TRY_ON_STATUSES) expect(statusAfter(status, { type: 'close' })).toBe('idle');
  });

  it('ignores actions that do not apply, so late results cannot move it: the same state object comes back', () => {
    const ignored: [TryOnStatus, TryOnAction][] = [
      ['capture', complete],
      ['consent', fail()],
      ['idle', complete],
      ['idle', fail()],
      ['idle', { type: 'close' }],
      ['complete', fail()],
      ['error', complete],
      ['processing', { type: 'submit' }],
    ];
    for (const [status, action] of ignored) {
      const state = reach(status);
      expect(transition(state, action), `${action.type} in ${status}`).toBe(state);
    }
  });
});
