/**
 * The `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers (-10/-11):
 * Structured Field Lists of String items with parameters, e.g.
 * `RateLimit-Policy: "submit-ip";q=30;w=60` and `RateLimit: "submit-ip";r=29;t=60`.
 */

/** One policy as it applied to one request. */
export interface LimitState {
  /** Policy name, sent as an sf-string. */
  policy: string;
  /** `q`: the quota per window. */
  quota: number;
  /** `w`: the window in seconds. */
  windowSec: number;
  /** `r`: quota left in the current window. */
  remaining: number;
  /** `t`: seconds until the window resets. */
  resetSec: number;
}

const sfString = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
// sf-integer: non-negative whole numbers only, as both fields require.
const sfInt = (n: number) => String(Math.max(0, Math.ceil(n)));

export function rateLimitPolicy(states: readonly LimitState[]): string {
  return states.map((s) => `${sfString(s.policy)};q=${sfInt(s.quota)};w=${Math.max(1, Math.ceil(s.windowSec))}`).join(', ');
}

export function rateLimit(states: readonly LimitState[]): string {
  return states.map((s) => `${sfString(s.policy)};r=${sfInt(s.remaining)};t=${sfInt(s.resetSec)}`).join(', ');
}
