/** Addresses and keys of the Turnstile fake (turnstile-fake.ts), shared by the dev server and the browser tests. */
export const FAKE_SITEKEY = '0x4AAAAAAAFakeTryOnSitekey';
/** The fake's client script, as the element's `turnstile-script` names it. */
export const FAKE_SCRIPT_PATH = '/turnstile-fake/turnstile/v0/api.js';
export const FAKE_SCRIPT_URL = `${FAKE_SCRIPT_PATH}?render=explicit`;
/** Where the fake client gets its tokens (relative to the script, as fixtures/turnstile-api.js finds it). */
export const FAKE_ISSUE_PATH = '/turnstile-fake/turnstile/v0/issue';
/** The endpoint mount with Turnstile on. */
export const TURNSTILE_ENDPOINT = '/api/turnstile-try-on';
