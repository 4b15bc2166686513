/**
 * Vtry AI adapter (`TRYON_PROVIDER=vtry`), see shared providers/vtry.txt. Over 400 lines because
 * Vtry's try-on is four paid steps whose order, claims and recovery read best in one place; its
 * words are in vtry-words.ts and its HTTP calls in vtry-calls.ts.
 *
 * Vtry generates only from things it stores: a person (the uploaded photo, then a "composed"
 * 1x3 composite that a model makes from it) and a clothes item (the garment image, added as a
 * job). Compose, clothes and generation are all asynchronous jobs read on GET /api/v1/jobs/{id}.
 *
 * One person per shopper photo, one paid step once: the person is keyed on the photo itself (a
 * keyed digest of its bytes, so a shopper who sends the same photo again after an error gets the
 * same person), created and composed at most once under a store lock, and a step that succeeded
 * is never run again. The clothes item is kept per garment URL, for every later shopper.
 *
 * The account's limits (read 60, write 30, generate 10 a minute, 3 generations at once) are
 * kept by the shared budget (budget.ts): each call takes its class before it is sent, and a
 * paid step the budget cannot take now waits for the job's turn in the fair line. So the
 * preparation advances in status(), poll by poll, never by waiting inside a request:
 * - submit does what the budget allows now (person, compose, clothes, even the generation when
 *   everything is ready) and answers at once;
 * - every poll moves the job one step on (reads a pending job, starts the next paid step when
 *   its turn comes), a few bounded requests at most;
 * - the generation is started once, guarded by a once-only marker (setIfAbsent), so concurrent
 *   polls or instances never start it twice. If the store loses the job, it reads as expired
 *   instead of risking a second charge.
 */
import type { ErrorBody } from '../../protocol.ts';
import type { JobState, ProviderAdapter, ProviderContext, ProviderPhoto, SubmitInput, SubmitResult } from './types.ts';
import type { Ticket } from './budget.ts';
import { ProviderError, describeProviderError } from './errors.ts';
import {
  cleanDescription,
  formatJobId,
  generationBody,
  mapGenerationJob,
  mapVtryFailure,
  parseJobId,
  staleIds,
  vtryCategories,
  vtryKeys,
  vtryModel,
  type VtryModel,
} from './vtry-words.ts';
import { sleep } from '../../shared/time.ts';
import { tryLease } from '../store/lease.ts';
import {
  addClothes,
  checkKey,
  createPerson,
  deletePerson,
  getJob,
  randomHex,
  resolveClothId,
  startCompose,
  startGeneration,
} from './vtry-calls.ts';

export * from './vtry-words.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const PERSON_TTL_MS = DAY_MS;
// A clothes id stays useful as long as the product image does; a week bounds staleness if the
// merchant replaces the image behind the same URL.
const CLOTH_TTL_MS = 7 * DAY_MS;
const JOB_TTL_MS = DAY_MS;
/**
 * How long a job may take from submit to a started generation. Waiting in the account's line is
 * part of it: the merchant's queue limit refuses at submit what could not start in time.
 */
export const VTRY_PREPARE_DEADLINE_MS = 15 * 60 * 1000;
// A poll that is starting the generation has at most one request in flight (30 s timeout).
const STARTING_GRACE_MS = 60 * 1000;
const LOCK_TTL_MS = 60 * 1000;
const LOCK_POLL_MS = 100;
/** A submit waits this long for another request preparing the same photo. */
const SUBMIT_LOCK_WAIT_MS = 5 * 1000;
/** A compose that failed for no fault of the photo is run again at most this often. */
const COMPOSE_TRIES = 2;

// --- what the store holds ----------------------------------------------------------------

/** A shopper photo's person at Vtry. */
interface PersonRecord {
  id: string;
  /** The compose job; the composite exists once it completed (`ready`). */
  compose?: string;
  ready?: boolean;
  composeTries?: number;
  /** Vtry refused this photo: later products are refused at once, without a charge. */
  rejected?: ErrorBody;
}

/** A garment URL's clothes item at Vtry: its id once known, else the clothes job. */
interface ClothRecord {
  id?: string;
  request?: string;
}

/** A job still being prepared (`p:<nonce>`); the person and clothes are read from their own records. */
interface JobRecord {
  at: number;
  ticket: Ticket;
  model: VtryModel;
  category: SubmitInput['category'];
  description?: string;
  photoRef: string;
  personKey: string;
  garmentUrl: string;
  clothKey: string;
  failed?: ErrorBody;
}

/** Once-only marker of a prepared job's generation: being started, started, or refused. */
type GenerationRecord = { starting: number } | { id: string } | { failed: ErrorBody };

async function readRecord<T>(ctx: ProviderContext, key: string): Promise<T | undefined> {
  const raw = await ctx.store.get(key);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

const writeRecord = (ctx: ProviderContext, key: string, value: unknown, ttlMs: number) => ctx.store.set(key, JSON.stringify(value), ttlMs);

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes).subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');

// Web Crypto, so the adapter runs on edge runtimes too.
async function hashOf(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** The photo's person key: an HMAC of its bytes under the endpoint secret (the bytes never leave). */
async function personKeyOf(photo: ProviderPhoto, ctx: ProviderContext): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(`vtry person\n${ctx.secret}`),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return vtryKeys.person(hex(await crypto.subtle.sign('HMAC', key, photo.bytes.slice())));
}

/** Where the person of a photo handle is kept, so forgetting the handle finds it. */
const photoPersonKey = (photoRef: string) => `vtry:photo-person:${photoRef}`;

/**
 * Runs `fn` holding `key`'s lock, so two requests for one photo (or garment) never both create
 * and pay for the same thing. A poll never waits for it (`deferred`: the next poll tries again);
 * a submit waits up to `waitMs` for a holder doing at most two calls (the same photo sent twice).
 */
async function withLock<T>(ctx: ProviderContext, key: string, fn: () => Promise<T>, waitMs = 0): Promise<T> {
  const lock = `${key}:lock`;
  const until = ctx.now() + waitMs;
  // An owned claim (store/lease.ts): renewed while its holder works, released by its owner only,
  // so a slow step never lets a second caller in, nor deletes a newcomer's claim.
  let lease = await tryLease(ctx.store, lock, LOCK_TTL_MS);
  while (!lease && ctx.now() < until) {
    await sleep(LOCK_POLL_MS, ctx.signal);
    lease = await tryLease(ctx.store, lock, LOCK_TTL_MS);
  }
  if (!lease) throw new ProviderError('deferred', 'Another request is preparing this right now.', { retryAfterSec: 1 });
  try {
    return await fn();
  } finally {
    await lease.release();
  }
}

const isDeferred = (error: unknown): error is ProviderError => error instanceof ProviderError && error.kind === 'deferred';

/**
 * Runs one paid or read step. A step the budget defers, or one Vtry answered 429 (not accepted,
 * `busy` where no budget is kept), leaves the job waiting, with its place in line when known.
 */
async function step<T>(fn: () => Promise<T>, waiting: { place?: JobState['queue'] }): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (!(isDeferred(error) || (error instanceof ProviderError && error.kind === 'busy'))) throw error;
    if (error.place) waiting.place = error.place;
    return undefined;
  }
}

// --- preparation, one step per call -------------------------------------------------------

/**
 * Moves the photo's person one step on: create it (only with the photo, at submit), start its
 * compose, read the compose. Throws `rejected` for a photo Vtry refused; `not_found` when the
 * person is gone and there is no photo to make it again (the shopper deleted it).
 */
async function stepPerson(
  ctx: ProviderContext,
  personKey: string,
  model: VtryModel,
  photo: ProviderPhoto | undefined,
  waiting: { place?: JobState['queue'] },
): Promise<PersonRecord | undefined> {
  return withLock(
    ctx,
    personKey,
    async () => {
      let record = await readRecord<PersonRecord>(ctx, personKey);
      if (record?.rejected) throw new ProviderError('rejected', record.rejected.message, { code: record.rejected.code });
      if (record?.ready) return record;
      if (!record) {
        if (!photo) throw new ProviderError('not_found', 'The shopper photo of this Vtry job is no longer held.');
        // A deferred creation throws: the handler queues the whole submit and retries it with the photo.
        record = { id: await createPerson(photo, ctx) };
        await writeRecord(ctx, personKey, record, PERSON_TTL_MS);
      }
      if (record.compose) {
        let job;
        try {
          job = await getJob(ctx, record.compose);
        } catch (error) {
          // The compose job is gone at Vtry: compose again (the person itself is checked by compose).
          if (!(error instanceof ProviderError && error.kind === 'not_found')) throw error;
        }
        if (job?.status === 'completed') {
          record = { id: record.id, compose: record.compose, ready: true };
          await writeRecord(ctx, personKey, record, PERSON_TTL_MS);
          return record;
        }
        if (job && job.status !== 'failed') return record;
        if (job) {
          const failure = mapVtryFailure('person', job.errorText);
          const tries = record.composeTries ?? 1;
          if (failure.code !== 'generation_failed' || tries >= COMPOSE_TRIES) {
            await writeRecord(ctx, personKey, { id: record.id, rejected: failure }, PERSON_TTL_MS);
            throw new ProviderError('rejected', failure.message, { code: failure.code });
          }
        }
        record = { id: record.id, composeTries: record.composeTries ?? 1 };
      }
      const started = await step(() => startCompose(record!.id, model, ctx), waiting);
      if (started === undefined) {
        await writeRecord(ctx, personKey, record, PERSON_TTL_MS);
        return record;
      }
      if (started === 'gone') {
        // Vtry no longer knows the person: forget it, so the next submit of the photo makes it anew.
        await ctx.store.delete(personKey);
        throw new ProviderError('not_found', 'Vtry no longer knows this person.');
      }
      record = { id: record.id, compose: started, composeTries: (record.composeTries ?? 0) + 1 };
      await writeRecord(ctx, personKey, record, PERSON_TTL_MS);
      return record;
    },
    photo ? SUBMIT_LOCK_WAIT_MS : 0,
  );
}

/** Moves the garment's clothes item one step on; a failure when Vtry could not add it. */
async function stepCloth(
  ctx: ProviderContext,
  clothKey: string,
  garmentUrl: string,
  waiting: { place?: JobState['queue'] },
): Promise<ClothRecord | ErrorBody> {
  return withLock(ctx, clothKey, async () => {
    const record = await readRecord<ClothRecord>(ctx, clothKey);
    if (record?.id) return record;
    if (record?.request) {
      const job = await getJob(ctx, record.request).catch((error: unknown) => {
        if (error instanceof ProviderError && error.kind === 'not_found') return undefined;
        throw error;
      });
      if (job?.status === 'completed') {
        // The list may lag behind the job; not found yet just means another poll.
        const id = await resolveClothId(ctx, job, garmentUrl);
        if (!id) return record;
        const resolved = { id };
        await writeRecord(ctx, clothKey, resolved, CLOTH_TTL_MS);
        return resolved;
      }
      if (job?.status === 'failed') {
        // Forgotten, so a later shopper of this product tries again; this job fails.
        await ctx.store.delete(clothKey);
        return mapVtryFailure('clothes', job.errorText);
      }
      if (job) return record;
    }
    const request = await step(() => addClothes(garmentUrl, ctx), waiting);
    if (request === undefined) return {};
    const added = { request };
    await writeRecord(ctx, clothKey, added, CLOTH_TTL_MS);
    return added;
  });
}

const failed = (error: ErrorBody): JobState => ({ status: 'failed', error });

const waitingState = (waiting: { place?: JobState['queue'] }): JobState =>
  waiting.place ? { status: 'queued', queue: waiting.place } : { status: 'queued' };

async function forgetStale(ctx: ProviderContext, personKey: string, clothKey: string, errorText: string | undefined) {
  const stale = staleIds(errorText);
  if (stale.person) await ctx.store.delete(personKey);
  if (stale.cloth) await ctx.store.delete(clothKey);
}

/**
 * Everything the budget allows now; the rest is left to the polls. With the person composed
 * and the clothes item known, the generation is queued here and the job needs no store at all.
 */
async function submit(input: SubmitInput, ctx: ProviderContext): Promise<SubmitResult> {
  const model = vtryModel(ctx.options);
  const clothKey = vtryKeys.cloth(await hashOf(input.garmentUrl));
  const personKey = await personKeyOf(input.photo, ctx);
  const nonce = randomHex(10);
  const ticket: Ticket = ctx.ticket ?? { id: `vtry:${nonce}`, at: ctx.now() };
  const jobCtx = { ...ctx, ticket };
  const waiting: { place?: JobState['queue'] } = {};
  // Every handle of this photo finds its person, so forgetting any of them deletes it.
  await ctx.store.set(photoPersonKey(input.photo.ref), personKey, PERSON_TTL_MS);

  // A person's creation the budget defers throws (the handler queues the submit with its photo);
  // everything after it can wait for the polls.

  const record: JobRecord = {
    at: ticket.at,
    ticket,
    model,
    category: input.category,
    photoRef: input.photo.ref,
    personKey,
    garmentUrl: input.garmentUrl,
    clothKey,
  };
  const description = cleanDescription(input.garmentDescription);
  if (description) record.description = description;

  // A remembered id Vtry no longer knows (deleted there) is dropped and the preparation redone
  // once, here, where the photo is at hand.
  for (let attempt = 0; attempt < 2; attempt++) {
    const person = await stepPerson(jobCtx, personKey, model, input.photo, waiting);
    const cloth = await stepCloth(jobCtx, clothKey, input.garmentUrl, waiting).catch((error: unknown) => {
      if (isDeferred(error)) return {} as ClothRecord;
      throw error;
    });
    if ('code' in cloth) throw new ProviderError('rejected', cloth.message, { code: cloth.code });
    if (!person?.ready || !cloth.id) break;
    const body = generationBody({ model, personId: person.id, clothId: cloth.id, category: input.category, description });
    const outcome = await step(() => startGeneration(jobCtx, body, true), waiting);
    if (outcome && 'requestId' in outcome) {
      return { jobId: formatJobId({ kind: 'generation', requestId: outcome.requestId }), state: { status: 'queued' } };
    }
    if (!outcome) break;
    await forgetStale(ctx, personKey, clothKey, outcome.stale);
  }
  await writeRecord(ctx, vtryKeys.job(nonce), record, JOB_TTL_MS);
  return { jobId: formatJobId({ kind: 'prepare', nonce }), state: waitingState(waiting) };
}

function deadlineFailure(): JobState {
  const { code, message } = describeProviderError(new ProviderError('timeout', 'Vtry did not get the job ready in time.'));
  return failed({ code, message });
}

/** Reads a started generation; its slot is given back once it ended. */
async function readGeneration(requestId: string, ctx: ProviderContext): Promise<JobState> {
  const state = mapGenerationJob(await getJob(ctx, requestId));
  if (state.status === 'completed' || state.status === 'failed') await ctx.budget?.releaseSlot(requestId);
  return state;
}

/** One poll of a job being prepared: move what is pending one step, then start the generation once. */
async function advance(nonce: string, ctx: ProviderContext): Promise<JobState> {
  const jobKey = vtryKeys.job(nonce);
  const genKey = vtryKeys.generation(nonce);
  const record = await readRecord<JobRecord>(ctx, jobKey);
  if (!record) throw new ProviderError('not_found', 'This Vtry job is no longer known to the endpoint.');
  const jobCtx = { ...ctx, ticket: record.ticket };

  const generation = await readRecord<GenerationRecord>(ctx, genKey);
  if (generation && 'id' in generation) return readGeneration(generation.id, jobCtx);
  if (generation && 'failed' in generation) return failed(generation.failed);
  if (record.failed) return failed(record.failed);
  if (generation) {
    // Another poll is starting it right now (or died doing so: never start it a second time).
    return ctx.now() - generation.starting > STARTING_GRACE_MS ? failed(mapVtryFailure('generation', undefined)) : { status: 'queued' };
  }
  if (ctx.now() - record.at > VTRY_PREPARE_DEADLINE_MS) {
    await ctx.budget?.leave(record.ticket.id);
    return deadlineFailure();
  }

  const waiting: { place?: JobState['queue'] } = {};
  let person: PersonRecord | undefined;
  let cloth: ClothRecord | ErrorBody;
  try {
    // Another request holding a record's lock (`deferred`) just means: not this poll.
    const later = <T>(error: unknown, value: T): T => {
      if (isDeferred(error)) return value;
      throw error;
    };
    const stepped = await stepPerson(jobCtx, record.personKey, record.model, undefined, waiting).catch((e: unknown) =>
      later(e, 'locked' as const),
    );
    // Another poll of this photo is moving it on right now: it does this job's steps too.
    if (stepped === 'locked') return waitingState(waiting);
    person = stepped;
    cloth = await stepCloth(jobCtx, record.clothKey, record.garmentUrl, waiting).catch((e: unknown) => later<ClothRecord>(e, {}));
  } catch (error) {
    if (!(error instanceof ProviderError && error.kind === 'rejected')) throw error;
    record.failed = { code: error.code ?? 'photo_rejected', message: error.message };
    await writeRecord(ctx, jobKey, record, JOB_TTL_MS);
    return failed(record.failed);
  }
  if ('code' in cloth) {
    record.failed = cloth;
    await writeRecord(ctx, jobKey, record, JOB_TTL_MS);
    return failed(cloth);
  }
  if (!person?.ready || !cloth.id) return waitingState(waiting);

  const starting = JSON.stringify({ starting: ctx.now() });
  if (!(await ctx.store.setIfAbsent(genKey, starting, JOB_TTL_MS))) return { status: 'queued' };
  const body = generationBody({
    model: record.model,
    personId: person.id,
    clothId: cloth.id,
    category: record.category,
    description: record.description,
  });
  let outcome;
  try {
    outcome = await step(() => startGeneration(jobCtx, body), waiting);
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'auth') {
      // Refused before any work started, so trying again later cannot charge twice. Only our own marker goes.
      await ctx.store.deleteIfEquals(genKey, starting);
      throw error;
    }
    // It may have been accepted (5xx, timeout, unreadable answer): never send it again.
    await writeRecord(ctx, genKey, { failed: mapVtryFailure('generation', undefined) }, JOB_TTL_MS);
    throw error;
  }
  if (outcome === undefined) {
    // Not sent (no room in the budget, or a 429): its turn comes on a later poll.
    await ctx.store.deleteIfEquals(genKey, starting);
    return waitingState(waiting);
  }
  if ('stale' in outcome) {
    await forgetStale(ctx, record.personKey, record.clothKey, outcome.stale);
    const failure = mapVtryFailure('generation', undefined);
    await writeRecord(ctx, genKey, { failed: failure }, JOB_TTL_MS);
    return failed(failure);
  }
  await writeRecord(ctx, genKey, { id: outcome.requestId }, JOB_TTL_MS);
  return { status: 'queued' };
}

async function status(jobId: string, ctx: ProviderContext): Promise<JobState> {
  const ref = parseJobId(jobId);
  if (!ref) throw new ProviderError('not_found', 'Not a Vtry job id.');
  if (ref.kind === 'generation') return readGeneration(ref.requestId, ctx);
  return advance(ref.nonce, ctx);
}

/** Deletes the shopper's person (photo and composite) at Vtry (`DELETE /api/v1/persons/{id}`). */
async function forgetPhoto(photoRef: string, ctx: ProviderContext): Promise<void> {
  const personKey = await ctx.store.get(photoPersonKey(photoRef));
  if (!personKey) return;
  const record = await readRecord<PersonRecord>(ctx, personKey);
  if (record) await deletePerson(record.id, ctx);
  await ctx.store.delete(personKey);
  await ctx.store.delete(photoPersonKey(photoRef));
}

/**
 * Vtry AI: person (uploaded, composed once per photo) + clothes item (once per garment URL) +
 * generation, all polled on GET /api/v1/jobs/{id}.
 */
export const vtryAdapter: ProviderAdapter = {
  name: 'vtry',
  defaultBaseUrl: 'https://vtry.ai',
  // The doc names no per-job status interval, only the account's 60 reads a minute: the budget
  // spreads those across the jobs in flight; 2 s is the house default for one job alone.
  pollIntervalMs: 2000,
  categories: vtryCategories,
  // "Rate limits and concurrency": read 60, write 30, generate 10 a minute; 3 generations at once.
  limits: { read: 60, write: 30, generate: 10, concurrency: 3 },
  submit,
  status,
  forgetPhoto,
  checkKey,
};
