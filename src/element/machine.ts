/**
 * The widget's single state machine: what happens next is decided here and nowhere else, and
 * each state carries what its view shows (the result's images, the error). `status` is
 * reflected on the element as an attribute so merchants can style and script against it.
 * Pure: no DOM, no timers.
 */
import type { ErrorCode } from '../protocol.ts';

export type TryOnStatus =
  /** Panel closed. Nothing read, nothing in flight. */
  | 'idle'
  /** Panel open, consent box unticked: the photo picker is locked and no file is read. */
  | 'consent'
  /** Consent given: the shopper picks a photo, sees a preview and may submit. */
  | 'capture'
  /** Photo being prepared in the worker, uploaded, then the job polled until it ends. */
  | 'processing'
  /** The try-on image is shown; choosing another variant submits again with the same photo. */
  | 'complete'
  /** Something failed; the panel offers retry (same photo) and picking another photo. */
  | 'error';

export const TRY_ON_STATUSES: readonly TryOnStatus[] = ['idle', 'consent', 'capture', 'processing', 'complete', 'error'];

/** A failure as the error view shows it. */
export interface ShownError {
  code: ErrorCode;
  /** In the panel's language. */
  message: string;
  /** Extra lines from the endpoint (a provider's list of photo issues). */
  details: readonly string[] | undefined;
  /** Sending the same photo again could help (false when the photo itself was refused). */
  retryable: boolean;
  /** Only the merchant's setup can end it (SETUP_ERROR_CODES): the view offers only the way back. */
  setup?: boolean;
}

export type TryOnState =
  | { status: 'idle' | 'consent' | 'capture' | 'processing' }
  | { status: 'complete'; images: readonly string[] }
  | { status: 'error'; error: ShownError };

export type TryOnAction =
  /** With `error`: the endpoint's check refused the product, before any consent or photo. */
  | { type: 'open'; consented: boolean; error?: ShownError }
  | { type: 'close' }
  | { type: 'consent'; given: boolean }
  | { type: 'submit' }
  | { type: 'cancel' }
  | { type: 'complete'; images: readonly string[] }
  /** From processing; also from capture and error when a photo or a check is refused before anything is sent. */
  | { type: 'fail'; error: ShownError }
  | { type: 'retry' }
  | { type: 'pick-another' };

export const IDLE: TryOnState = { status: 'idle' };

const at = (status: 'idle' | 'consent' | 'capture' | 'processing'): TryOnState => ({ status });

/**
 * The next state for an action. An action that does not apply in the current state returns the
 * same state object, so a stale callback (a late worker result after cancel) cannot move the
 * machine, and the caller can tell nothing happened.
 */
export function transition(state: TryOnState, action: TryOnAction): TryOnState {
  if (action.type === 'close') return state.status === 'idle' ? state : IDLE;
  switch (state.status) {
    case 'idle':
      if (action.type !== 'open') return state;
      return action.error ? { status: 'error', error: action.error } : at(action.consented ? 'capture' : 'consent');
    case 'consent':
      // Only a setup refusal (the product check answered after the panel opened): any other
      // failure here is a stale one from before, and must not move the panel.
      if (action.type === 'fail' && action.error.setup) return { status: 'error', error: action.error };
      return action.type === 'consent' && action.given ? at('capture') : state;
    case 'capture':
      if (action.type === 'consent' && !action.given) return at('consent');
      if (action.type === 'fail') return { status: 'error', error: action.error };
      return action.type === 'submit' ? at('processing') : state;
    case 'processing':
      if (action.type === 'complete') return { status: 'complete', images: action.images };
      if (action.type === 'fail') return { status: 'error', error: action.error };
      return action.type === 'cancel' ? at('capture') : state;
    case 'complete':
      // A submit from the result: another of the merchant's variants, with the same photo.
      if (action.type === 'submit') return at('processing');
      return action.type === 'pick-another' ? at('capture') : state;
    case 'error':
      if (action.type === 'retry') return at('processing');
      if (action.type === 'fail') return { status: 'error', error: action.error };
      return action.type === 'pick-another' ? at('capture') : state;
  }
}
