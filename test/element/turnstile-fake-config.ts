/** Addresses and keys of the Turnstile fake (turnstile-fake.ts), shared by the dev server and the browser tests. */
export const FAKE_SITEKEY = '0x4AAAAAAAFakeTryOnSitekey';
/** The fake's client script, as the element's `turnstile-script` names it. */
export const FAKE_SCRIPT_PATH = '/turnstile-fake/turnstile/v0/api.js';
export const FAKE_SCRIPT_URL = `${FAKE_SCRIPT_PATH}?render=explicit`;
/**
 * A script address that does not load (404), as when Cloudflare is blocked or down; with
 * `?stall` the load first hangs, as over a stalled connection, until a test lets it fail
 * (`POST /api/__test/turnstile/release`). No file extension: web-test-runner marks every
 * address with one cacheable for a year, and each load here must reach the fake.
 */
export const FAKE_UNAVAILABLE_SCRIPT_PATH = '/turnstile-fake/turnstile/v0/unavailable';
/** Where the fake client gets its tokens (relative to the script, as fixtures/turnstile-api.js finds it). */
export const FAKE_ISSUE_PATH = '/turnstile-fake/turnstile/v0/issue';
/** The endpoint mount with Turnstile on. */
export const TURNSTILE_ENDPOINT = '/api/turnstile-try-on';
