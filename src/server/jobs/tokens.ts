/**
 * Handles the widget carries between calls, so the endpoint itself keeps no job table:
 * - job tokens (compact JWE, `dir` + A256GCM via jose): which provider, the adapter's job id, the
 *   photo handle and the job's photo file. Encrypted, not just signed: whoever sees a token (a log
 *   line, a referrer, the network tab) learns nothing from it, least of all where the shopper's
 *   photo is served (`/files/{id}`) or which photo handle it was made from;
 * - photo handles (`photoRef`): a random id plus an HMAC, naming a photo kept in the store.
 * Each has its own key, derived from TRYON_SECRET by HKDF-SHA-256 under its own label, as is the
 * secret the provider adapters sign with (`ctx.secret`, e.g. VirtuFit's webhook secret), so the raw
 * secret never keys anything itself and one kind can never be passed off as another.
 * Both are bound to the scope that made them (a Shopify shop, a storefront origin, or the
 * endpoint's own pages, see origin.ts): the job token carries it encrypted, the photo's store
 * entry records it (photos.ts). Presented in another scope they are refused with 403 token_scope_mismatch.
 */
import { EncryptJWT, jwtDecrypt, errors as joseErrors } from 'jose';
import { ApiError } from '../http/api-error.ts';
import { toBase64Url } from '../base64.ts';

export interface JobClaims {
  /** Provider name. */
  provider: string;
  /** The adapter's job id. */
  jobId: string;
  /** The photo handle the job was made from. */
  photoRef: string;
  /** The scope (shop or origin) that started the job; only it may poll the job. */
  scope: string;
  /** Id of the endpoint-hosted file serving the photo to a URL-only provider, removed when the job ends. */
  photoFile?: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
}

const JOB_AUDIENCE = 'try-on-job';
const encoder = new TextEncoder();

/**
 * HKDF parameters of the two keys. Changing a label retires every token or handle made under it
 * (shoppers are asked to start again), so a new format gets a new version, never an edited label.
 */
export const KEY_DERIVATION = {
  salt: 'try-on-button',
  jobTokenInfo: 'try-on-button job token v1',
  photoHandleInfo: 'try-on-button photo handle v1',
  providerSecretInfo: 'try-on-button provider secret v1',
} as const;

/** A handle made for another shop or storefront origin. */
export const scopeMismatch = () =>
  new ApiError(403, 'token_scope_mismatch', 'This try-on belongs to another store. Please start a new try-on here.');

const hkdf = (info: string): HkdfParams => ({
  name: 'HKDF',
  hash: 'SHA-256',
  salt: encoder.encode(KEY_DERIVATION.salt),
  info: encoder.encode(info),
});

/** The secret the provider adapters get as `ctx.secret`: 256 bits derived from TRYON_SECRET, base64url. */
export async function deriveProviderSecret(secret: string): Promise<string> {
  const base = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
  return toBase64Url(new Uint8Array(await crypto.subtle.deriveBits(hkdf(KEY_DERIVATION.providerSecretInfo), base, 256)));
}

async function deriveKeys(secret: string): Promise<{ job: CryptoKey; photo: CryptoKey }> {
  const base = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  const [job, photo] = await Promise.all([
    crypto.subtle.deriveKey(hkdf(KEY_DERIVATION.jobTokenInfo), base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
    crypto.subtle.deriveKey(hkdf(KEY_DERIVATION.photoHandleInfo), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
      'sign',
      'verify',
    ]),
  ]);
  return { job, photo };
}

export class TokenSigner {
  readonly #keys: Promise<{ job: CryptoKey; photo: CryptoKey }>;
  readonly #now: () => number;

  constructor(secret: string, now: () => number) {
    this.#now = now;
    this.#keys = deriveKeys(secret);
  }

  /** A compact JWE for a job, valid for `ttlMs`: opaque to whoever holds it. */
  async signJob(claims: Omit<JobClaims, 'expiresAt'>, ttlMs: number): Promise<string> {
    const nowSec = Math.floor(this.#now() / 1000);
    return new EncryptJWT({
      p: claims.provider,
      j: claims.jobId,
      r: claims.photoRef,
      s: claims.scope,
      ...(claims.photoFile ? { f: claims.photoFile } : {}),
    })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setAudience(JOB_AUDIENCE)
      .setIssuedAt(nowSec)
      .setExpirationTime(nowSec + Math.ceil(ttlMs / 1000))
      .encrypt((await this.#keys).job);
  }

  /**
   * The claims of a job token presented in `scope`; throws ApiError job_token_invalid (401),
   * job_token_expired (401) or token_scope_mismatch (403, made for another shop or origin).
   */
  async verifyJob(token: string, scope: string): Promise<JobClaims> {
    const claims = await this.#readJob(token);
    if (claims.scope !== scope) throw scopeMismatch();
    return claims;
  }

  async #readJob(token: string): Promise<JobClaims> {
    try {
      // GCM authenticates header and ciphertext: a token altered anywhere, or made under another secret, does not decrypt.
      const { payload } = await jwtDecrypt(token, (await this.#keys).job, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
        audience: JOB_AUDIENCE,
        currentDate: new Date(this.#now()),
        requiredClaims: ['exp'],
      });
      const { p, j, r, s, f, exp } = payload as { p?: unknown; j?: unknown; r?: unknown; s?: unknown; f?: unknown; exp?: number };
      if (typeof p !== 'string' || typeof j !== 'string' || typeof r !== 'string' || typeof s !== 'string' || typeof exp !== 'number') {
        throw new Error('claims missing');
      }
      return { provider: p, jobId: j, photoRef: r, scope: s, ...(typeof f === 'string' ? { photoFile: f } : {}), expiresAt: exp * 1000 };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new ApiError(401, 'job_token_expired', 'This try-on has expired. Please start a new one.');
      }
      throw new ApiError(401, 'job_token_invalid', 'This try-on link is not valid. Please start a new try-on.');
    }
  }

  /** A new unguessable photo handle: `<random id>.<hmac>`. */
  async newPhotoRef(): Promise<string> {
    const id = toBase64Url(crypto.getRandomValues(new Uint8Array(18)));
    return `${id}.${await this.#photoMac(id)}`;
  }

  /** Whether `ref` is a handle this endpoint issued (not whether the photo is still stored). */
  async verifyPhotoRef(ref: string): Promise<boolean> {
    const match = /^([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(ref);
    if (!match) return false;
    const mac = Uint8Array.from(atob(match[2]!.replace(/-/g, '+').replace(/_/g, '/') + '='), (c) => c.charCodeAt(0));
    // subtle.verify compares in constant time.
    return crypto.subtle.verify('HMAC', (await this.#keys).photo, mac, encoder.encode(`photo:${match[1]}`));
  }

  async #photoMac(id: string): Promise<string> {
    const mac = await crypto.subtle.sign('HMAC', (await this.#keys).photo, encoder.encode(`photo:${id}`));
    return toBase64Url(new Uint8Array(mac));
  }
}
