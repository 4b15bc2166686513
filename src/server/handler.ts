/**
 * The try-on endpoint as one web-standard `(Request) => Promise<Response>`, so the same code runs
 * on Node (node.ts), serverless and edge runtimes. Routes, under `basePath`:
 * `GET /check`, `POST /jobs`, `GET /jobs/{job}`, `GET /health`, `POST /webhooks/{provider}`, `GET /files/{id}`.
 * The protocol is in docs/architecture.md (the data flow) and src/protocol.ts (the types).
 *
 * Over 400 lines because it is the composition root: settings, middleware and every route are wired
 * here in the order a request meets them; what each step does lives in http/, jobs/, limits/,
 * garments/ and providers/. Splitting the routes into modules of their own is the next step.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import {
  IDEMPOTENCY_HEADER,
  LIMITS,
  SETUP_ERROR_CODES,
  SUBMIT_FIELDS,
  type ErrorCode,
  type StatusResponse,
  type SubmitResponse,
} from '../protocol.ts';
import type { HandlerOptions } from './options.ts';
import type { ProviderContext } from './providers/types.ts';
import { ProviderError, describeProviderError } from './providers/errors.ts';
import { ApiError, errorResponse } from './http/api-error.ts';
import { checkRuntime, resolveSettings } from './settings.ts';
import { createLogger, loggedPath } from './log.ts';
import { TokenSigner } from './jobs/tokens.ts';
import { checkPhoto } from './jobs/photo.ts';
import { loadPhoto, savePhoto } from './jobs/photos.ts';
import { FileHost, fileHeaders, readFile } from './jobs/files.ts';
import { StatusCache } from './jobs/status-cache.ts';
import { checkIdempotencyKey, fingerprint, once } from './jobs/idempotency.ts';
import { readSubmitFields } from './jobs/submit-form.ts';
import { forwardedOrigin, originAccess, type AccessVariables } from './http/origin.ts';
import { CLOSE_CONNECTION, readBody, readForm } from './http/body.ts';
import { deriveProviderSecret, scopeMismatch } from './jobs/tokens.ts';
import { StoreUnavailableError } from './store/store-unavailable.ts';
import { endJobPhoto, fileIdOf, forgetJobFiles, forgetPhoto, publishJobPhoto, recordJobFiles } from './jobs/privacy.ts';
import { productResolver } from './garments/catalog.ts';
import { productCheck } from './garments/check.ts';
import { createGarmentFetcher, createTransport, defaultTransport, precheckGarmentAddress } from './garments/garment-fetch.ts';
import { expectedHostnames, verifyTurnstile } from './limits/turnstile.ts';
import { Limits } from './limits/limits.ts';
import { resolveLimits } from './limits/limits-config.ts';
import { submitWithFailover, type ProviderSlot } from './providers/failover.ts';
import { AccountBudget, accountName, type Ticket } from './providers/budget.ts';
import { cancelQueued, enqueueSubmit, isQueuedJob, queuedAdapter } from './jobs/queue.ts';
import { ProviderDeletions } from './jobs/provider-deletions.ts';
import { adminAuthorized, Spend } from './providers/spend.ts';
import { toBase64Url } from './base64.ts';

export type { HandlerOptions } from './options.ts';

/** Job tokens live a day: long enough for a shopper to come back to a result. */
const JOB_TTL_MS = 24 * 60 * 60 * 1000;
/** The largest submit body: a 10 MB photo plus the other fields and multipart framing. */
const BODY_MAX_BYTES = LIMITS.photoMaxBytes + 1024 * 1024;
/** The largest provider callback: a job id, a status and a few result URLs fit many times over. */
const WEBHOOK_MAX_BYTES = 256 * 1024;

type Env = { Variables: { requestId: string } & AccessVariables };

const jobDeleted = () => new ApiError(404, 'job_expired', 'This try-on was deleted. Start a new one to see it again.');

/** How an error reaches the widget: status, code, message, Retry-After. */
function describe(error: unknown): { status: number; code: ErrorCode; message: string; retryAfterSec?: number; details?: string[] } {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.retryAfterSec !== undefined ? { retryAfterSec: error.retryAfterSec } : {}),
      ...(error.details ? { details: error.details } : {}),
    };
  }
  if (error instanceof ProviderError) {
    return {
      ...describeProviderError(error),
      ...(error.retryAfterSec !== undefined ? { retryAfterSec: error.retryAfterSec } : {}),
      ...(error.kind === 'rejected' && error.details ? { details: error.details } : {}),
    };
  }
  if (error instanceof HTTPException && error.status < 500) {
    return { status: error.status, code: 'bad_request', message: 'The request could not be read. Please try again.' };
  }
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side. Please try again.' };
}

/**
 * Creates the endpoint handler. Throws (a ConfigError naming the setting) when the options cannot
 * work, e.g. a provider other than `demo` without `apiKey`.
 */
export function createTryOnHandler(options: HandlerOptions = {}): (request: Request) => Promise<Response> {
  checkRuntime(options);
  const settings = resolveSettings(options);
  const { adapter, store, now, basePath } = settings;
  const secrets = [
    settings.apiKey,
    settings.secret,
    settings.shopifySecret ?? '',
    settings.turnstile?.secret ?? '',
    settings.adminSecret ?? '',
    ...settings.fallbacks.map((f) => f.apiKey),
  ];
  const log = createLogger(options.log, secrets, now);
  if (settings.secretGenerated) {
    log.warn({
      event: 'config',
      message:
        'TRYON_SECRET is not set: using a random secret for this process. Job tokens and photo handles will not survive a restart or work across instances.',
    });
  }
  const signer = new TokenSigner(settings.secret, now);
  // The adapters' own secret (ctx.secret), derived once; requests wait for it in the first middleware.
  let providerSecret = '';
  const providerSecretReady = deriveProviderSecret(settings.secret).then((derived) => {
    providerSecret = derived;
    secrets.push(derived);
  });
  const statusCache = new StatusCache(store, now, (provider, word) =>
    log.warn({
      event: 'unlisted_status_word',
      provider,
      word,
      message: `The provider answered a status word its document does not list; the job reads as running until its deadline.`,
    }),
  );
  const resolveProduct = productResolver(settings.products, settings.resolveProduct);
  if (settings.devAllowLoopback) {
    log.warn({
      event: 'config',
      message: 'TRYON_DEV_ALLOW_LOOPBACK is on: garment images may come from this machine. Turn it off in production.',
    });
  }
  // The garment allowlist and address policy come from configuration only, never from a request.
  const { garmentHosts } = settings;
  const garmentTransport =
    settings.resolveHost || settings.devAllowLoopback
      ? createTransport({ resolver: settings.resolveHost, allowLoopback: settings.devAllowLoopback })
      : defaultTransport();
  const fetchGarment = createGarmentFetcher(garmentHosts, garmentTransport);
  const limitsConfig = resolveLimits(options);
  const limits = new Limits(limitsConfig, store, now, log);
  const primary: ProviderSlot = {
    adapter,
    apiKey: settings.apiKey,
    providerBaseUrl: settings.providerBaseUrl,
    providerOptions: settings.providerOptions,
  };
  // Primary first; a job token names the slot that took the job, so its polls go there.
  const slots = [primary, ...settings.fallbacks];
  const slotNamed = (name: string) => slots.find((slot) => slot.adapter.name === name);
  // One budget per provider account, in the store, so every instance shares it (budget.ts).
  const budgets = new Map(
    slots.map((slot) => [
      slot.adapter.name,
      new AccountBudget(
        store,
        now,
        accountName(slot.adapter.name, slot.apiKey),
        slot === primary ? settings.providerLimits : (slot.adapter.limits ?? {}),
      ),
    ]),
  );
  const budgetOf = (slot: ProviderSlot) => budgets.get(slot.adapter.name)!;
  const deletions = new ProviderDeletions(store, now, settings.providerRetention, (entry) =>
    entry.event === 'provider_photo_delete_failed' ? log.warn(entry) : log.info(entry),
  );
  /** Runs the provider deletions that are due, a few per request (no timers on serverless runtimes). */
  const runDeletions = (c: Context) =>
    deletions
      .runDue((name) => {
        const slot = slotNamed(name);
        return slot && { adapter: slot.adapter, ctx: providerContext(c, slot) };
      })
      .catch((error: unknown) =>
        log.warn({ event: 'provider_photo_delete_failed', provider: 'all', detail: error instanceof Error ? error.message : 'unknown' }),
      );
  const spend = new Spend(store, now, (entry) => log.warn(entry), settings.creditsWarnBelow);
  /** A photo's identity for counting its jobs: a keyed digest of its bytes (the bytes never leave). */
  const photoIdentity = async (bytes: Uint8Array) => {
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(`photo identity\n${settings.secret}`),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes.slice())).subarray(0, 18));
  };
  const loadQueuedPhoto = async (ref: string) => {
    const photo = await loadPhoto(store, ref);
    return photo && { bytes: photo.bytes, type: photo.type, width: photo.width, height: photo.height, ref };
  };
  const pollAfterFor = (slot: ProviderSlot) => Math.max(slot.adapter.pollIntervalMs, LIMITS.pollAfterMs);

  // Where files the endpoint serves (demo results) are reached: the configured public URL, else the
  // origin a trusted proxy forwarded for, else the request's own. A path a proxy strips needs TRYON_PUBLIC_URL.
  const trustForwarded = limitsConfig.trustProxy !== undefined;
  const endpointBase = (c: Context) =>
    settings.publicUrl ?? `${(trustForwarded && forwardedOrigin(c.req.raw)) || new URL(c.req.url).origin}${basePath}`;

  /** `published` collects the ids of files the adapter publishes (a demo result), to delete them with the job. */
  const providerContext = (c: Context, slot: ProviderSlot = primary, published?: string[], ticket?: Ticket): ProviderContext => {
    const files = new FileHost(store, endpointBase(c));
    return {
      budget: budgetOf(slot),
      ...(ticket ? { ticket } : {}),
      baseUrl: slot.providerBaseUrl,
      apiKey: slot.apiKey,
      fetch: settings.fetch,
      store,
      options: slot.providerOptions,
      ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
      secret: providerSecret,
      now,
      publishFile: async (bytes, type, ttlMs) => {
        const url = await files.publish(bytes, type, ttlMs);
        published?.push(fileIdOf(url));
        return url;
      },
      fetchGarment,
    };
  };

  const app = new Hono<Env>().basePath(basePath || '/');

  app.use('*', async (c, next) => {
    await providerSecretReady;
    const requestId = crypto.randomUUID();
    c.set('requestId', requestId);
    const started = now();
    await next();
    c.res.headers.set('x-request-id', requestId);
    // The route, not the path: paths carry job tokens, photo handles and file ids (see log.ts).
    const path = loggedPath(routePath(c, -1), new URL(c.req.url).pathname);
    log.info({ event: 'request', requestId, method: c.req.method, path, status: c.res.status, ms: now() - started });
  });
  app.use(
    '*',
    ...originAccess({
      allowedOrigins: settings.allowedOrigins,
      publicUrl: settings.publicUrl,
      shopifySecret: settings.shopifySecret,
      basePath,
      trustForwarded,
      now,
      onRefused: (entry) => log.warn({ event: 'refused', ...entry }),
    }),
  );

  app.use('*', limits.headers());

  app.onError((error, c) => {
    const d = describe(error);
    const entry: Record<string, unknown> = { event: 'error', requestId: c.get('requestId'), code: d.code, status: d.status };
    if (error instanceof ProviderError)
      Object.assign(entry, { kind: error.kind, providerStatus: error.providerStatus, detail: error.message });
    // Why the store failed (safe to log: never a key, a value or a photo), so an outage is diagnosable.
    else if (error instanceof StoreUnavailableError && error.detail) Object.assign(entry, { event: 'store', detail: error.detail });
    else if (!(error instanceof ApiError))
      Object.assign(entry, { detail: error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown' });
    if (d.status >= 500 || error instanceof ProviderError) log.error(entry);
    // Every refusal, with what was refused (a host, a product), so a setup slip is found in the log;
    // a merchant's setting to fix is a warning, the rest (a bad photo, a limit) is information.
    else if (error instanceof ApiError)
      (SETUP_ERROR_CODES.includes(d.code) ? log.warn : log.info)({
        ...entry,
        event: 'refused',
        // The route, never the path: a refused poll's path carries its job token.
        path: loggedPath(routePath(c, -1), new URL(c.req.url).pathname).slice(0, 200),
        ...error.logged,
      });
    return errorResponse(d.status, d.code, d.message, {
      ...(d.retryAfterSec !== undefined ? { retryAfterSec: d.retryAfterSec } : {}),
      ...(d.details ? { details: d.details } : {}),
      // An oversized or trickling body is not worth reading further: the runtime closes the socket.
      ...(d.status === 408 || d.status === 413 ? { headers: CLOSE_CONNECTION } : {}),
    });
  });
  app.notFound(() => errorResponse(404, 'not_found', 'There is nothing at this address. Check the endpoint URL.'));

  const notAllowed = (allow: string) => () =>
    errorResponse(405, 'method_not_allowed', `This address only answers ${allow}.`, { headers: { allow } });

  const checkProduct = productCheck({
    adapter,
    garmentHosts,
    resolveProduct,
    devAllowLoopback: settings.devAllowLoopback,
    precheckAddress: (url) => precheckGarmentAddress(url, garmentTransport),
    now,
  });
  app.get('/check', async (c) => {
    await limits.pollByIp(c);
    const answer = await checkProduct(new URL(c.req.url).searchParams, c.get('scope'));
    return c.json(answer, 200, { 'cache-control': 'no-store' });
  });
  app.all('/check', notAllowed('GET'));

  app.get('/health', (c) => c.json({ ok: true, provider: adapter.name }, 200, { 'cache-control': 'no-store' }));
  app.all('/health', notAllowed('GET'));

  app.post(
    '/jobs',
    async (c, next) => {
      // Before the body is read: a client over its budget never gets to upload.
      await limits.submitByIp(c);
      const type = c.req.header('content-type') ?? '';
      if (!/^multipart\/form-data\s*;/i.test(type)) {
        throw new ApiError(
          415,
          'unsupported_media_type',
          'Send the try-on as multipart/form-data (a photo, a garment, a category and consent).',
        );
      }
      await next();
    },
    async (c) => {
      const idempotencyKey = checkIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER));
      const scope = c.get('scope');
      const tenant = c.get('tenant');
      const form = await readForm(c.req.raw, { maxBytes: BODY_MAX_BYTES, timeoutMs: settings.bodyTimeoutMs }, Object.values(SUBMIT_FIELDS));
      const fields = await readSubmitFields(form, adapter, garmentHosts, resolveProduct, scope, settings.devAllowLoopback);

      let photo;
      let photoRef: string;
      if (fields.photo) {
        photo = checkPhoto(fields.photo);
      } else {
        photoRef = fields.photoRef!;
        photo = (await signer.verifyPhotoRef(photoRef)) ? await loadPhoto(store, photoRef) : undefined;
        if (!photo) {
          throw new ApiError(400, 'photo_ref_invalid', 'Your earlier photo is no longer available. Please send the photo again.');
        }
        if (photo.scope !== tenant) throw scopeMismatch();
      }
      await precheckGarmentAddress(fields.garmentUrl, garmentTransport);

      // A bot is refused before any quota counts it: a missing or failed challenge must not spend
      // the shopper's or the shop's budget (only the per-IP request limit above has seen it).
      if (settings.turnstile) {
        const shop = tenant.startsWith('shop:') ? tenant.slice(5) : undefined;
        const hosts = expectedHostnames(settings.turnstile, { url: c.req.url, shop }, settings.allowedOrigins, settings.publicUrl);
        await verifyTurnstile(fields.turnstileToken, hosts, settings.turnstile, settings.fetch);
      }

      await limits.submitByShopper(c, photo.bytes);

      const start = async (): Promise<SubmitResponse> => {
        if (fields.photo) {
          photoRef = await signer.newPhotoRef();
          await savePhoto(store, photoRef, photo, tenant);
        }
        const published = settings.publicUrl ? await publishJobPhoto(store, settings.publicUrl, photoRef, photo.type) : undefined;
        const url = published?.url;
        const input = {
          photo: { bytes: photo.bytes, type: photo.type, width: photo.width, height: photo.height, ref: photoRef, ...(url ? { url } : {}) },
          garmentUrl: fields.garmentUrl,
          category: fields.category,
          ...(fields.size ? { size: fields.size } : {}),
          ...(fields.garmentDescription ? { garmentDescription: fields.garmentDescription } : {}),
        };
        const publishedFiles: string[] = [];
        // The job's place in the account's line: ordered by this submit's time (budget.ts).
        const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(12)));
        const ticket: Ticket = { id: `job:${nonce}`, at: now() };
        let waitingAt: ProviderSlot | undefined;
        let place: ProviderError['place'];
        // Only the last provider that can dress the category keeps a try-on in its line; before
        // it, an account without room is busy and the submit goes to the next (failover.ts).
        const able = slots.filter((s) => s.adapter.categories[fields.category] !== undefined);
        const { slot, result } = await submitWithFailover(
          slots,
          fields.category,
          async (s) => {
            try {
              return await s.adapter.submit(input, providerContext(c, s, publishedFiles, ticket));
            } catch (error) {
              if (!(error instanceof ProviderError && error.kind === 'deferred')) throw error;
              // The account's budget has no room now. A wait the merchant accepts is a place in
              // line; a longer one is busy (and may go to a fallback provider).
              const etaSec = error.place?.etaSec ?? error.retryAfterSec ?? 1;
              if (etaSec > settings.queueMaxWaitSec || s !== able[able.length - 1]) {
                await budgetOf(s).leave(ticket.id);
                throw new ProviderError('busy', 'The line for this provider account is longer than TRYON_QUEUE_MAX_WAIT.', {
                  retryAfterSec: Math.min(etaSec, 120),
                });
              }
              waitingAt = s;
              // A 429 paused the account after the call was granted: its place is behind those waiting.
              place = error.place ?? (await budgetOf(s).place(ticket.id)) ?? { position: 1, etaSec: etaSec };
              const jobId = await enqueueSubmit(
                store,
                nonce,
                {
                  ticket,
                  photoRef,
                  ...(url ? { photoUrl: url } : {}),
                  garmentUrl: fields.garmentUrl,
                  category: fields.category,
                  ...(fields.size ? { size: fields.size } : {}),
                  ...(fields.garmentDescription ? { garmentDescription: fields.garmentDescription } : {}),
                },
                JOB_TTL_MS,
              );
              return { jobId, state: { status: 'queued', ...(place ? { queue: place } : {}) } };
            }
          },
          (from, error) =>
            log.warn({
              event: 'failover',
              requestId: c.get('requestId'),
              from: from.adapter.name,
              kind: error.kind,
              providerStatus: error.providerStatus,
            }),
        );
        if (waitingAt)
          log.info({ event: 'queued', requestId: c.get('requestId'), provider: waitingAt.adapter.name, position: place?.position });
        const provider = slot.adapter.name;
        const state = result.state ?? { status: 'queued' as const };
        await recordJobFiles(store, photoRef, provider, result.jobId, publishedFiles);
        await deletions.jobStarted(provider, slot.adapter, photoRef, await photoIdentity(photo.bytes));
        await spend.jobStarted(provider);
        // Credits are looked at now and then (a read), so a low balance is warned about in time.
        await spend.credits({ adapter: slot.adapter, ctx: providerContext(c, slot) });
        await statusCache.put(provider, result.jobId, state, now() + JOB_TTL_MS);
        const job = await signer.signJob(
          { provider, jobId: result.jobId, photoRef, scope: tenant, ...(published ? { photoFile: published.fileId } : {}) },
          JOB_TTL_MS,
        );
        log.info({ event: 'submit', requestId: c.get('requestId'), provider, category: fields.category, status: state.status });
        return { job, status: state.status, pollAfterMs: pollAfterFor(slot), photoRef, ...(state.queue ? { queue: state.queue } : {}) };
      };

      const answer = idempotencyKey
        ? await once(
            store,
            { scope, provider: adapter.name, key: idempotencyKey },
            // Everything that makes it another try-on (or another consent); not the Turnstile token, which a retry renews.
            await fingerprint([
              ...(fields.photo ? ['photo', fields.photo] : ['photoRef', fields.photoRef!]),
              fields.garmentUrl,
              fields.product ?? '',
              fields.category,
              fields.size ?? '',
              fields.consent,
            ]),
            () => limits.generation(c, start),
            (error) => describe(error),
            now,
          )
        : await limits.generation(c, start);
      return c.json(answer, 202, { 'cache-control': 'no-store' });
    },
  );
  app.all('/jobs', notAllowed('POST'));

  app.get('/jobs/:job', async (c) => {
    await limits.pollByIp(c);
    const claims = await signer.verifyJob(c.req.param('job'), c.get('tenant'));
    await limits.pollByShopper(c, claims.photoRef);
    const slot = slotNamed(claims.provider);
    if (!slot) {
      throw new ApiError(
        404,
        'job_expired',
        'This try-on was started with another service and is no longer available. Please start a new one.',
      );
    }
    if (await statusCache.isDeleted(claims.provider, claims.jobId)) throw jobDeleted();
    const adapterOfJob = isQueuedJob(claims.jobId) ? queuedAdapter(slot.adapter, store, loadQueuedPhoto, JOB_TTL_MS) : slot.adapter;
    const state = await statusCache.get(
      adapterOfJob,
      claims.jobId,
      claims.expiresAt,
      providerContext(c, slot),
      claims.expiresAt - JOB_TTL_MS,
    );
    // The provider has fetched the photo by now: its public URL expires with the job, and what the
    // provider keeps of it is deleted by the retention setting.
    if (state.status === 'completed' || state.status === 'failed') {
      if (claims.photoFile) await endJobPhoto(store, claims.photoFile);
      await deletions.jobEnded(claims.provider, slot.adapter, claims.jobId, claims.photoRef);
    }
    await runDeletions(c);
    const body: StatusResponse = { status: state.status };
    if (state.images) body.images = state.images;
    if (state.error) body.error = state.error;
    if (state.status === 'queued' || state.status === 'processing') body.pollAfterMs = pollAfterFor(slot);
    if (state.status === 'queued' && state.queue) body.queue = state.queue;
    return c.json(body, 200, { 'cache-control': 'no-store' });
  });
  // The shopper's "delete this try-on": its result, its photo URL and its cached status go now.
  app.delete('/jobs/:job', async (c) => {
    const claims = await signer.verifyJob(c.req.param('job'), c.get('tenant'));
    const slot = slotNamed(claims.provider);
    // A job still in line gives its place up.
    if (slot && isQueuedJob(claims.jobId)) await cancelQueued(store, claims.jobId, { budget: budgetOf(slot) });
    await forgetJobFiles(store, claims.provider, claims.jobId, claims.photoFile);
    await statusCache.markDeleted(claims.provider, claims.jobId, claims.expiresAt);
    log.info({ event: 'job_deleted', requestId: c.get('requestId'), provider: claims.provider });
    return c.body(null, 204, { 'cache-control': 'no-store' });
  });
  app.all('/jobs/:job', notAllowed('GET, DELETE'));

  app.post('/webhooks/:provider', async (c) => {
    const slot = slotNamed(c.req.param('provider'));
    const hook = slot?.adapter.webhook;
    if (!slot || !hook) {
      throw new ApiError(404, 'not_found', 'No callbacks are expected for this provider here.');
    }
    // Before the body: unsigned traffic is refused without reading a byte of it.
    if (!c.req.header(hook.signatureHeader)) {
      throw new ProviderError('bad_webhook', `The ${slot.adapter.name} callback has no ${hook.signatureHeader} header.`);
    }
    const body = await readBody(c.req.raw, {
      maxBytes: WEBHOOK_MAX_BYTES,
      timeoutMs: settings.bodyTimeoutMs,
      tooLargeMessage: `The callback is larger than ${WEBHOOK_MAX_BYTES / 1024} KB.`,
    });
    const { jobId, state } = await hook.read({ headers: c.req.raw.headers, body }, providerContext(c, slot));
    await spend.credits({ adapter: slot.adapter, ctx: providerContext(c, slot) });
    await statusCache.put(slot.adapter.name, jobId, state, now() + JOB_TTL_MS);
    return c.json({ ok: true });
  });
  app.all('/webhooks/:provider', notAllowed('POST'));

  // The shopper's "forget my photo": everything the endpoint holds for it goes; 204 also when nothing was left.
  app.delete('/photos/:photoRef', async (c) => {
    const ref = c.req.param('photoRef');
    if (!(await signer.verifyPhotoRef(ref))) {
      throw new ApiError(400, 'photo_ref_invalid', 'This is not a photo handle from this store.');
    }
    const photo = await loadPhoto(store, ref);
    if (photo && photo.scope !== c.get('tenant')) throw scopeMismatch();
    await forgetPhoto(store, ref);
    // Every provider the photo went to, the failover provider included (and the primary, which
    // may hold it from before this was recorded); one that fails now is tried again later.
    const sentTo = new Set([adapter.name, ...(await deletions.providersOf(ref))]);
    for (const name of sentTo) {
      const slot = slotNamed(name);
      if (!slot?.adapter.forgetPhoto) continue;
      await deletions.deleteNow(name, ref, () => slot.adapter.forgetPhoto!(ref, providerContext(c, slot)));
    }
    log.info({ event: 'photo_deleted', requestId: c.get('requestId') });
    return c.body(null, 204, { 'cache-control': 'no-store' });
  });
  app.all('/photos/:photoRef', notAllowed('DELETE'));

  // The merchant's spend: per provider account, its budget in use, the line, the last 429, jobs
  // today and credits (spend.ts). Only with TRYON_ADMIN_SECRET, never open.
  app.get('/admin/providers', async (c) => {
    if (!settings.adminSecret) throw new ApiError(404, 'not_found', 'There is nothing at this address. Check the endpoint URL.');
    if (!(await adminAuthorized(c.req.header('authorization'), settings.adminSecret))) {
      throw new ApiError(
        401,
        'admin_unauthorized',
        'Send the merchant\'s admin secret (TRYON_ADMIN_SECRET) as "Authorization: Bearer <secret>".',
      );
    }
    const report = await spend.report(
      slots.map((slot) => ({ adapter: slot.adapter, primary: slot === primary, budget: budgetOf(slot), ctx: providerContext(c, slot) })),
      await deletions.pending(),
    );
    return c.json(report, 200, { 'cache-control': 'no-store' });
  });
  app.all('/admin/providers', notAllowed('GET'));

  app.get('/files/:id', async (c) => {
    const file = await readFile(store, c.req.param('id'));
    if (!file) throw new ApiError(404, 'not_found', 'This image has expired. Please start a new try-on.');
    return c.body(new Uint8Array(file.bytes), 200, fileHeaders(file.type, file.bytes.length));
  });
  app.all('/files/:id', notAllowed('GET'));

  return async (request: Request, env?: unknown) => {
    try {
      // On Node, env carries the socket (@hono/node-server): the client IP for per-IP limits.
      return await app.fetch(request, env as Record<string, unknown> | undefined);
    } catch (error) {
      // Hono routes errors to onError; this only catches failures of that path itself.
      log.error({ event: 'error', detail: error instanceof Error ? error.message : 'unknown' });
      return errorResponse(500, 'internal_error', 'Something went wrong on our side. Please try again.');
    }
  };
}
