/**
 * Vtry AI's HTTP calls, all in one place, each with its documented route class (vtry.txt,
 * "Rate limits and concurrency"): GET routes are `read`; creating, updating and deleting are
 * `write`; compose, clothes and generations are `generate`, and a generation also holds one of
 * the 3 concurrent slots. The account budget (budget.ts) is taken before each call is sent.
 */
import type { ProviderContext, ProviderPhoto } from './types.ts';
import { ProviderError } from './errors.ts';
import { providerFetch, providerJson, readJson } from './http.ts';
import {
  clothesForm,
  errorTextOf,
  findClothId,
  personForm,
  readPersonId,
  readRequestId,
  readVtryJob,
  type VtryJob,
  type VtryModel,
} from './vtry-words.ts';

const auth = (ctx: ProviderContext) => ({ authorization: `Bearer ${ctx.apiKey}` });
const jsonHeaders = (ctx: ProviderContext) => ({ ...auth(ctx), 'content-type': 'application/json' });

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
export const randomHex = (bytes: number) => hex(crypto.getRandomValues(new Uint8Array(bytes)));

/**
 * The key check: `GET /api/v1/me` (Account), a read that spends no generation. Resolves with
 * the plan and subscription state, e.g. "Pro plan, active" (the user's email is not printed).
 */
export async function checkKey(ctx: ProviderContext): Promise<string> {
  const body = await providerJson<{ subscription?: { planLabel?: unknown; planId?: unknown; status?: unknown } } | null>(
    ctx,
    '/api/v1/me',
    { method: 'GET', headers: auth(ctx), retry: 'safe', routeClass: 'read' },
  );
  const subscription = body?.subscription;
  const plan = subscription?.planLabel ?? subscription?.planId;
  if (typeof plan !== 'string') throw new ProviderError('bad_response', 'Vtry AI answered /api/v1/me without a subscription plan.');
  return typeof subscription?.status === 'string' ? `${plan} plan, ${subscription.status}` : `${plan} plan`;
}

export async function getJob(ctx: ProviderContext, requestId: string): Promise<VtryJob> {
  const body = await providerJson(ctx, `/api/v1/jobs/${encodeURIComponent(requestId)}`, {
    method: 'GET',
    headers: auth(ctx),
    retry: 'safe',
    jobRead: true,
    routeClass: 'read',
  });
  return readVtryJob(body);
}

export async function createPerson(photo: ProviderPhoto, ctx: ProviderContext): Promise<string> {
  // Creates a stored person: a blind repeat would make a second one.
  const body = await providerJson(ctx, '/api/v1/persons', {
    method: 'POST',
    headers: auth(ctx),
    body: personForm(photo, `tryon-${randomHex(6)}`),
    retry: 'never',
    routeClass: 'write',
  });
  return readPersonId(body);
}

/** Starts the person's compose; `gone` when Vtry no longer knows the person (404). */
export async function startCompose(personId: string, model: VtryModel, ctx: ProviderContext): Promise<string | 'gone'> {
  const response = await providerFetch(ctx, `/api/v1/persons/${encodeURIComponent(personId)}/compose`, {
    method: 'POST',
    headers: jsonHeaders(ctx),
    body: JSON.stringify({ model }),
    retry: 'never',
    accept: [404],
    routeClass: 'generate',
  });
  if (response.status === 404) {
    await response.body?.cancel().catch(() => {});
    return 'gone';
  }
  return readRequestId(await readJson(response));
}

export async function addClothes(garmentUrl: string, ctx: ProviderContext): Promise<string> {
  const body = await providerJson(ctx, '/api/v1/clothes', {
    method: 'POST',
    headers: auth(ctx),
    body: clothesForm(garmentUrl),
    retry: 'never',
    routeClass: 'generate',
  });
  return readRequestId(body);
}

/** Finds the item a completed clothes job made: the first page (newest first), then the last. */
export async function resolveClothId(ctx: ProviderContext, job: VtryJob, garmentUrl: string): Promise<string | undefined> {
  const list = (page: number) =>
    providerJson(ctx, `/api/v1/clothes?page=${page}&pageSize=100`, {
      method: 'GET',
      headers: auth(ctx),
      retry: 'safe',
      routeClass: 'read',
    });
  const first = await list(1);
  const found = findClothId(first, job, garmentUrl);
  if (found) return found;
  const pages = (first as { totalPages?: unknown }).totalPages;
  if (typeof pages !== 'number' || !Number.isSafeInteger(pages) || pages <= 1) return undefined;
  return findClothId(await list(pages), job, garmentUrl);
}

export type StartOutcome = { requestId: string } | { stale: string | undefined };

/**
 * Queues the paid generation, holding one of the account's concurrent slots (under the job's
 * ticket, renamed to the request id once Vtry took it). A 400/404 means Vtry refused our ids:
 * nothing was charged and the slot is given back.
 */
export async function startGeneration(ctx: ProviderContext, body: Record<string, unknown>, patient = false): Promise<StartOutcome> {
  const response = await providerFetch(ctx, '/api/v1/generations', {
    method: 'POST',
    headers: jsonHeaders(ctx),
    body: JSON.stringify(body),
    retry: 'never',
    accept: [400, 404],
    routeClass: 'generate',
    slot: true,
    // With a budget a 429 defers the job at once. Without one, a poll does not wait on 429 (the
    // next poll is the retry) while a submit waits out a short Retry-After.
    ...(patient ? {} : { policy: { busyRetries: 0 } }),
  });
  const slotId = ctx.ticket?.id;
  if (response.status === 400 || response.status === 404) {
    if (slotId) await ctx.budget?.releaseSlot(slotId);
    const refusal = await response.json().catch(() => null);
    return { stale: errorTextOf((refusal as { error?: unknown } | null)?.error) };
  }
  const requestId = readRequestId(await readJson(response));
  if (slotId) await ctx.budget?.renameSlot(slotId, requestId);
  return { requestId };
}

/** Deletes a person and its reference images (`DELETE /api/v1/persons/{id}`); a 404 is already gone. */
export async function deletePerson(personId: string, ctx: ProviderContext): Promise<void> {
  const response = await providerFetch(ctx, `/api/v1/persons/${encodeURIComponent(personId)}`, {
    method: 'DELETE',
    headers: auth(ctx),
    retry: 'safe',
    accept: [404],
    routeClass: 'write',
  });
  await response.body?.cancel().catch(() => {});
}
