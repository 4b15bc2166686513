/**
 * The widget's single status state machine. `status` is reflected on the element as an
 * attribute so merchants can style and script against it. Pure: no DOM, no timers.
 */
export type TryOnStatus =
  /** Panel closed. Nothing read, nothing in flight. */
  | 'idle'
  /** Panel open, consent box unticked: the photo picker is locked and no file is read. */
  | 'consent'
  /** Consent given: the shopper picks a photo, sees a preview and may submit. */
  | 'capture'
  /** Photo being prepared in the worker, uploaded, then the job polled until it ends. */
  | 'processing'
  /** The try-on image is shown. */
  | 'complete'
  /** Something failed; the panel offers retry (same photo) and picking another photo. */
  | 'error';

export const TRY_ON_STATUSES: readonly TryOnStatus[] = ['idle', 'consent', 'capture', 'processing', 'complete', 'error'];

export type TryOnAction =
  | { type: 'open'; consented: boolean }
  | { type: 'close' }
  | { type: 'consent'; given: boolean }
  | { type: 'submit' }
  | { type: 'cancel' }
  | { type: 'complete' }
  | { type: 'fail' }
  | { type: 'retry' }
  | { type: 'pick-another' };

/**
 * The next status for an action. An action that does not apply in the current status leaves it
 * unchanged, so a stale callback (a late worker result after cancel) cannot move the machine.
 */
export function transition(status: TryOnStatus, action: TryOnAction): TryOnStatus {
  if (action.type === 'close') return 'idle';
  switch (status) {
    case 'idle':
      return action.type === 'open' ? (action.consented ? 'capture' : 'consent') : status;
    case 'consent':
      return action.type === 'consent' && action.given ? 'capture' : status;
    case 'capture':
      if (action.type === 'consent' && !action.given) return 'consent';
      return action.type === 'submit' ? 'processing' : status;
    case 'processing':
      if (action.type === 'complete') return 'complete';
      if (action.type === 'fail') return 'error';
      return action.type === 'cancel' ? 'capture' : status;
    case 'complete':
      return action.type === 'pick-another' ? 'capture' : status;
    case 'error':
      if (action.type === 'retry') return 'processing';
      return action.type === 'pick-another' ? 'capture' : status;
  }
}
