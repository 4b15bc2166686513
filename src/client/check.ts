/**
 * `GET {endpoint}/check`: whether the endpoint can try this product on, asked before the shopper
 * gives anything (see CheckResponse in protocol.ts). Each question is asked once per page: the
 * answer (it can, or the setup refusal) is kept for the page's life; an answer that says nothing
 * about the setup (offline, a busy endpoint, an older one without the route) is not kept, and the
 * try-on goes ahead as if the check had passed.
 */
import { SETUP_ERROR_CODES } from '../protocol.ts';
import { errorFromBody, type ClientError } from './errors.ts';

// fetch's default credentials ('same-origin'): cookies only to the page's own origin, as the submit.
const answers = new Map<string, Promise<ClientError | undefined>>();

/** The endpoint's setup refusal for this product, or undefined. Never rejects. */
export function checkProduct(endpoint: string, fields: Record<string, string | undefined>): Promise<ClientError | undefined> {
  const url = `${endpoint}/check?${new URLSearchParams(Object.entries(fields).filter((entry): entry is [string, string] => !!entry[1]))}`;
  let answer = answers.get(url);
  if (!answer) {
    const forget = () => void answers.delete(url);
    answer = fetch(url, { signal: AbortSignal.timeout(8000) }).then(async (response) => {
      if (response.ok) return undefined;
      const error = errorFromBody(response.status, await response.json().catch(() => null));
      if (SETUP_ERROR_CODES.includes(error.code)) return error;
      forget();
    }, forget);
    answers.set(url, answer);
  }
  return answer;
}
