/**
 * A provider's status word, read by the list its own document gives, exactly (case included).
 *
 * Each adapter passes the words its document names; nothing is guessed from other providers or
 * from what a fake happens to say. A word outside the list is not an error on every poll: the
 * job reads as still running (`unknownWord` set), the status cache logs the word once per job
 * and ends the wait at the job's deadline (status-cache.ts).
 */
import type { JobStatus } from '../../protocol.ts';
import type { JobState } from './types.ts';

/** The state of a word the document does not list: still running, the word kept for the log. */
export function unlistedWord(word: unknown): JobState {
  const text = typeof word === 'string' ? word : JSON.stringify(word ?? null);
  // Printable and short: it goes to the merchant's log, never to the shopper.
  return { status: 'processing', unknownWord: text.replace(/[^\x20-\x7e]/g, '?').slice(0, 40) };
}

/** The document's word as our status, or undefined when the list does not hold it. */
export function listedStatus(words: Readonly<Record<string, JobStatus>>, word: unknown): JobStatus | undefined {
  return typeof word === 'string' && Object.hasOwn(words, word) ? words[word] : undefined;
}
