/**
 * A local fake of the Vtry AI API as documented in shared providers/vtry.txt: account (/me),
 * people (multipart create from files or a fetched imageUrl, list, delete, compose jobs),
 * clothes (direct/extract jobs, list, delete), generations, jobs with upper-case statuses
 * and history; `Authorization: Bearer` or `x-api-key`; `{"error":{code,message,details}}`
 * errors; and the documented limits (per-minute read/write/generate/source-images buckets,
 * 3 concurrent generations, per-IP pre-auth and failed-auth limits), answered with 429.
 *
 * Jobs move QUEUED → PROCESSING → COMPLETED/FAILED on `fake.timing`. What a job makes (a
 * person's composite, a clothes item) exists only once the job completed, as at Vtry.
 * Remote image URLs are really fetched, so a broken garment URL fails its clothes job.
 * `fake.nextJobFailure` fails whichever job is created next; `fake.nextFailure.<kind>` the
 * next job of one kind (compose, clothes, generation).
 */
import type { Context } from 'hono';
import { imageSize } from 'image-size';
import { FakeProvider, type FakeJob } from './common.ts';

type Bucket = 'read' | 'write' | 'generate' | 'source-images';
export type VtryJobKind = 'compose' | 'clothes' | 'generation';

interface StoredImage {
  key: string;
  bytes: Uint8Array;
  type: string;
}

export interface FakePerson {
  id: string;
  name: string;
  images: StoredImage[];
  /** The composite; set when a compose job completes. */
  coverKey: string | null;
}

export interface FakeCloth {
  id: string;
  image: StoredImage;
  sourceUrl: string | null;
}

const MODELS = ['NanoBanana', 'NanoBanana2'];
const RESOLUTIONS = ['1K', '2K', '4K'];
const ASPECT_RATIOS = ['auto', '21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16'];
const IMAGE_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };
const WORKSPACE = '117575112934514240688';

export class VtryFake extends FakeProvider {
  /** The account's plan: NanoBanana2 needs a paid one (403 otherwise). */
  plan: 'free' | 'pro' = 'pro';
  /** The documented defaults; tests may lower them. */
  limits = { read: 60, write: 30, generate: 10, 'source-images': 5, concurrency: 3, preauth: 120, failedAuth: 30 };
  /** The limits' window: the documented minute; tests shorten it (with the endpoint's budget) to run in seconds. */
  windowMs = 60_000;
  readonly persons = new Map<string, FakePerson>();
  readonly clothes = new Map<string, FakeCloth>();
  /** The provider error text the next job of a kind fails with (then cleared). */
  nextFailure: Partial<Record<VtryJobKind, string>> = {};
  /** How many 429s each route answered, for assertions about the limits. */
  readonly limited = new Map<string, number>();
  #windows = new Map<string, { start: number; count: number }>();
  #seq = 0;

  id(prefix: string): string {
    return `${prefix}_${(++this.#seq).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Counts one request in a per-minute window; the seconds to wait when over the limit. */
  take(bucket: string, limit: number, now = Date.now()): number | undefined {
    let window = this.#windows.get(bucket);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(bucket, window);
    }
    if (window.count >= limit) return Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
    window.count++;
    return undefined;
  }

  resetLimits(): void {
    this.#windows.clear();
  }

  jobsOf(kind: VtryJobKind): FakeJob[] {
    return [...this.jobs.values()].filter((job) => job.input.kind === kind);
  }

  /** Applies what completed jobs made (composites, clothes items), once each. */
  settle(now = Date.now()): void {
    for (const job of this.jobs.values()) {
      if (job.input.settled || this.phase(job, now) !== 'completed') continue;
      job.input.settled = true;
      if (job.input.kind === 'compose') {
        const person = this.persons.get(job.input.personId as string);
        if (person) person.coverKey = `persons/${WORKSPACE}/${person.name}/composite-${job.id}.png`;
      } else if (job.input.kind === 'clothes') {
        const source = job.input.image as { bytes: Uint8Array; type: string; ext: string };
        const id = this.id('cl');
        const image = { key: `clothes/${WORKSPACE}/${id}.${source.ext}`, bytes: source.bytes, type: source.type };
        this.clothes.set(id, { id, image, sourceUrl: (job.input.sourceUrl as string | null) ?? null });
        job.input.clothId = id;
      }
    }
  }

  /** A signed URL of a stored file: the signature differs on every answer, as a real one would. */
  fileUrl(key: string): string {
    return `${this.url}/__fake/files/${key}?X-Signature=${Math.random().toString(36).slice(2, 12)}`;
  }
}

function fail(c: Context, status: number, code: string, message: string, details?: unknown, retryAfter?: number) {
  if (retryAfter !== undefined) c.header('retry-after', String(retryAfter));
  return c.json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status as 400);
}

const invalid = (c: Context, fields: Record<string, string[]>) => fail(c, 400, 'validationFailed', 'Request validation failed', { fields });

function sniff(bytes: Uint8Array): { type: string; ext: string } | undefined {
  try {
    const { type } = imageSize(bytes);
    const ext = type === 'jpg' ? 'jpg' : type;
    const mime = ext ? IMAGE_TYPES[ext] : undefined;
    return mime && ext ? { type: mime, ext } : undefined;
  } catch {
    return undefined;
  }
}

/** Fetches a remote image as Vtry would; a reason in Vtry's words when it cannot. */
async function fetchImage(url: string, referer?: string): Promise<{ bytes: Uint8Array; type: string; ext: string } | string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'imageUrl must be an absolute http(s) URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'imageUrl must be an absolute http(s) URL';
  try {
    const response = await fetch(parsed, {
      signal: AbortSignal.timeout(10_000),
      headers: referer ? { referer } : {},
    });
    if (!response.ok) return `Failed to download image from imageUrl (HTTP ${response.status})`;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const kind = sniff(bytes);
    return kind ? { bytes, ...kind } : 'The file at imageUrl is not a supported image';
  } catch {
    return 'Failed to download image from imageUrl';
  }
}

const field = (body: Record<string, unknown>, ...names: string[]) => {
  for (const name of names) if (body[name] !== undefined) return body[name];
  return undefined;
};

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const isMultipart = (c: Context) => (c.req.header('content-type') ?? '').startsWith('multipart/form-data');

async function readJsonBody(c: Context): Promise<Record<string, unknown> | undefined> {
  const body = (await c.req.json().catch(() => undefined)) as unknown;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

/** Starts the Vtry AI fake on 127.0.0.1 (a free port unless `port` is given). */
export async function startFakeVtry({ apiKey, port }: { apiKey: string; port?: number }): Promise<VtryFake> {
  const fake = new VtryFake('vtry');
  const { app } = fake;

  // Every caller of the fake is on loopback, so the per-IP buckets are one bucket each.
  app.use('/api/v1/*', async (c, next) => {
    const preauth = fake.take('ip:preauth', fake.limits.preauth);
    if (preauth !== undefined) return fail(c, 429, 'rateLimited', 'Too many requests', undefined, preauth);
    const bearer = c.req.header('authorization');
    const headerKey = c.req.header('x-api-key');
    let key: string | undefined;
    let problem: string | undefined;
    if (bearer !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(bearer.trim());
      if (match) key = match[1];
      else problem = 'Malformed Authorization header';
    } else if (headerKey !== undefined) key = headerKey.trim();
    else problem = 'Missing API key';
    if (key !== undefined && key !== apiKey) problem = 'Invalid API key';
    if (problem) {
      const wait = fake.take('ip:failed-auth', fake.limits.failedAuth);
      if (wait !== undefined) return fail(c, 429, 'rateLimited', 'Too many failed authentication attempts', undefined, wait);
      return fail(c, 401, 'unauthorized', problem);
    }
    fake.settle();
    await next();
  });

  /** A documented route: counted, fault-injectable, then held to its rate-limit bucket. */
  const route = (name: string, bucket: Bucket, handler: (c: Context) => Response | Promise<Response>) =>
    fake.route(name, async (c) => {
      const limit = fake.limits[bucket];
      const wait = fake.take(`key:${bucket}`, limit);
      if (wait !== undefined) {
        fake.limited.set(name, (fake.limited.get(name) ?? 0) + 1);
        return fail(c, 429, 'rateLimited', `Rate limit exceeded for ${bucket} requests`, { limit, windowSeconds: 60 }, wait);
      }
      return handler(c);
    });

  const createJob = (kind: VtryJobKind, input: Record<string, unknown>, failWith?: string) => {
    const job = fake.createJob({ kind, ...input }, fake.id('req'));
    const kindFailure = fake.nextFailure[kind];
    if (kindFailure !== undefined) {
      job.failWith = kindFailure;
      delete fake.nextFailure[kind];
    }
    if (failWith !== undefined) job.failWith = failWith;
    return job;
  };

  const jobView = (job: FakeJob) => {
    // One clock reading for both, so a job never reads COMPLETED before what it made exists.
    const now = Date.now();
    fake.settle(now);
    const phase = fake.phase(job, now);
    const kind = job.input.kind as VtryJobKind;
    let imageKey: string | null = null;
    let imageUrl: string | null = null;
    if (phase === 'completed') {
      if (kind === 'clothes') {
        const cloth = fake.clothes.get(job.input.clothId as string);
        imageKey = cloth?.image.key ?? null;
        imageUrl = cloth ? fake.fileUrl(cloth.image.key) : null;
      } else {
        imageKey = `${kind === 'compose' ? 'persons' : 'generations'}/${WORKSPACE}/${job.id}.png`;
        imageUrl = fake.resultUrl(job);
      }
    }
    const done = job.createdAt + fake.timing.queuedMs + fake.timing.processingMs;
    const updated = phase === 'queued' ? job.createdAt : phase === 'processing' ? job.createdAt + fake.timing.queuedMs : done;
    return {
      id: job.id,
      // The document's words, in its capitals: QUEUED, PROCESSING, COMPLETED, FAILED.
      status: (phase === 'queued' || phase === 'processing') && fake.unlistedWord ? fake.unlistedWord : phase.toUpperCase(),
      prompt: (job.input.prompt as string | undefined) ?? null,
      imageUrl,
      imageKey,
      sourceUrl: (job.input.sourceUrl as string | undefined) ?? null,
      error: phase === 'failed' ? (job.failWith ?? 'Job failed') : null,
      parameters: (job.input.parameters as Record<string, unknown> | undefined) ?? {},
      createdAt: new Date(job.createdAt).toISOString(),
      updatedAt: new Date(updated).toISOString(),
      response: {},
    };
  };

  // Stored files (person references, clothes images) behind their signed URLs.
  app.get('/__fake/files/*', (c) => {
    const key = c.req.path.slice('/__fake/files/'.length);
    for (const cloth of fake.clothes.values()) {
      if (cloth.image.key === key) return c.body(new Uint8Array(cloth.image.bytes), 200, { 'content-type': cloth.image.type });
    }
    for (const person of fake.persons.values()) {
      const image = person.images.find((i) => i.key === key);
      if (image) return c.body(new Uint8Array(image.bytes), 200, { 'content-type': image.type });
    }
    return fail(c, 404, 'notFound', 'File not found');
  });

  app.get(
    '/api/v1/me',
    route('me', 'read', (c) =>
      c.json({
        user: { id: WORKSPACE, email: 'merchant@example.com' },
        subscription: {
          planId: fake.plan,
          planLabel: fake.plan === 'pro' ? 'Pro' : 'Free',
          status: 'active',
          cancelAtPeriodEnd: false,
          renewsAt: '2026-06-12T00:00:00.000Z',
        },
        workspace: { ownerId: WORKSPACE, isWorkspaceOwner: true },
      }),
    ),
  );

  // --- people ---------------------------------------------------------------------------

  const personView = (p: FakePerson) => ({ id: p.id, name: p.name, coverUrl: p.coverKey ? fake.fileUrl(p.coverKey) : null });

  app.get(
    '/api/v1/persons',
    route('persons-list', 'read', (c) => c.json({ persons: [...fake.persons.values()].map(personView) })),
  );

  app.post(
    '/api/v1/persons',
    route('person-create', 'write', async (c) => {
      if (!isMultipart(c)) return invalid(c, { body: ['Content-Type must be multipart/form-data'] });
      const body = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
      const rawName = field(body, 'name');
      const name =
        typeof rawName === 'string'
          ? rawName
              .toLowerCase()
              .replace(/[^a-z0-9]+/g, '-')
              .replace(/^-|-$/g, '')
          : '';
      const files = asList(body.files);
      const imageUrl = field(body, 'imageUrl', 'image_url');
      const referer = field(body, 'sourcePageUrl', 'source_page_url');
      const errors: Record<string, string[]> = {};
      if (!name) errors.name = ['name is required'];
      if (files.length > 0 && imageUrl !== undefined) errors.files = ['Send either files or imageUrl, not both'];
      else if (files.length === 0 && imageUrl === undefined) errors.files = ['files or imageUrl is required'];
      else if (files.length > 3) errors.files = ['A person can have at most three reference images'];
      if (Object.keys(errors).length) return invalid(c, errors);

      const images: { bytes: Uint8Array; type: string; ext: string }[] = [];
      if (imageUrl !== undefined) {
        if (typeof imageUrl !== 'string') return invalid(c, { imageUrl: ['imageUrl must be a string'] });
        const fetched = await fetchImage(imageUrl, typeof referer === 'string' ? referer : undefined);
        if (typeof fetched === 'string') return invalid(c, { imageUrl: [fetched] });
        images.push(fetched);
      } else {
        for (const file of files) {
          if (!(file instanceof File)) return invalid(c, { files: ['files must be image files'] });
          const bytes = new Uint8Array(await file.arrayBuffer());
          const kind = sniff(bytes);
          if (!kind) return invalid(c, { files: [`${file.name} is not a supported image`] });
          images.push({ bytes, ...kind });
        }
      }
      const person: FakePerson = { id: fake.id('pr'), name, images: [], coverKey: null };
      person.images = images.map((image) => ({
        key: `persons/${WORKSPACE}/${name}/${fake.id('img')}.${image.ext}`,
        bytes: image.bytes,
        type: image.type,
      }));
      fake.persons.set(person.id, person);
      return c.json({
        person: { id: person.id, name },
        files: person.images.map((image, i) => ({
          key: image.key,
          url: fake.fileUrl(image.key),
          fileName: files[i] instanceof File ? (files[i] as File).name : image.key.split('/').pop(),
          contentType: image.type,
          size: image.bytes.byteLength,
        })),
        remaining: 3 - person.images.length,
      });
    }),
  );

  app.delete(
    '/api/v1/persons/:personId',
    route('person-delete', 'write', (c) => {
      const person = fake.persons.get(c.req.param('personId') ?? '');
      if (!person) return fail(c, 404, 'notFound', 'Person not found');
      fake.persons.delete(person.id);
      return c.json({ person: { id: person.id, name: person.name }, deleted: person.images.length });
    }),
  );

  app.post(
    '/api/v1/persons/:personId/compose',
    route('compose', 'generate', async (c) => {
      const body = await readJsonBody(c);
      if (!body) return invalid(c, { body: ['Request body must be a JSON object'] });
      const model = body.model;
      if (typeof model !== 'string' || !MODELS.includes(model)) {
        return invalid(c, { model: [`model must be one of ${MODELS.join(', ')}`] });
      }
      const person = fake.persons.get(c.req.param('personId') ?? '');
      if (!person) return fail(c, 404, 'notFound', 'Person not found');
      if (model === 'NanoBanana2' && fake.plan !== 'pro') return fail(c, 403, 'planRequired', 'NanoBanana2 requires a paid plan');
      if (person.images.length === 0) return invalid(c, { personId: ['The person has no reference images'] });
      const job = createJob('compose', { personId: person.id, parameters: { model } });
      return c.json({ requestId: job.id, personId: person.id });
    }),
  );

  // --- clothes --------------------------------------------------------------------------

  const clothView = (cloth: FakeCloth) => ({ id: cloth.id, imageUrl: fake.fileUrl(cloth.image.key), sourceUrl: cloth.sourceUrl });

  app.get(
    '/api/v1/clothes',
    route('clothes-list', 'read', (c) => {
      const page = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
      const pageSize = Math.max(1, Math.min(100, Number.parseInt(c.req.query('pageSize') ?? '8', 10) || 8));
      // Newest first, as a library view would list them.
      const all = [...fake.clothes.values()].reverse();
      return c.json({
        clothes: all.slice((page - 1) * pageSize, page * pageSize).map(clothView),
        page,
        total: all.length,
        totalPages: Math.max(1, Math.ceil(all.length / pageSize)),
      });
    }),
  );

  app.post(
    '/api/v1/clothes',
    route('clothes-create', 'generate', async (c) => {
      if (!isMultipart(c)) return invalid(c, { body: ['Content-Type must be multipart/form-data'] });
      const body = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
      const mode = field(body, 'mode');
      const file = field(body, 'file');
      const imageUrl = field(body, 'imageUrl', 'image_url');
      const sourcePageUrl = field(body, 'sourcePageUrl', 'source_page_url');
      const model = field(body, 'model');
      const resolution = field(body, 'resolution');
      const prompt = field(body, 'prompt', 'userPrompt', 'user_prompt');
      const errors: Record<string, string[]> = {};
      if (mode !== 'direct' && mode !== 'extract') errors.mode = ['mode must be one of direct, extract'];
      if (file !== undefined && imageUrl !== undefined) errors.file = ['Send either file or imageUrl, not both'];
      else if (file === undefined && imageUrl === undefined) errors.file = ['file or imageUrl is required'];
      if (mode === 'direct' && model !== undefined) errors.model = ['Do not send model with direct mode'];
      if (mode === 'extract' && (typeof model !== 'string' || !MODELS.includes(model))) {
        errors.model = [`model must be one of ${MODELS.join(', ')} for extract mode`];
      }
      if (resolution !== undefined) {
        if (typeof resolution !== 'string' || !RESOLUTIONS.includes(resolution))
          errors.resolution = ['resolution must be one of 1K, 2K, 4K'];
        else if (model !== 'NanoBanana2') errors.resolution = ['resolution is only supported with NanoBanana2'];
      }
      if (Object.keys(errors).length) return invalid(c, errors);
      if (model === 'NanoBanana2' && fake.plan !== 'pro') return fail(c, 403, 'planRequired', 'NanoBanana2 requires a paid plan');

      let image: { bytes: Uint8Array; type: string; ext: string } | undefined;
      let failWith: string | undefined;
      if (file !== undefined) {
        if (!(file instanceof File)) return invalid(c, { file: ['file must be an image file'] });
        const bytes = new Uint8Array(await file.arrayBuffer());
        const kind = sniff(bytes);
        if (!kind) return invalid(c, { file: [`${file.name} is not a supported image`] });
        image = { bytes, ...kind };
      } else {
        if (typeof imageUrl !== 'string') return invalid(c, { imageUrl: ['imageUrl must be a string'] });
        // The download happens in the job: a URL that does not serve an image fails the job.
        const fetched = await fetchImage(imageUrl, typeof sourcePageUrl === 'string' ? sourcePageUrl : undefined);
        if (typeof fetched === 'string') failWith = fetched;
        else image = fetched;
      }
      const source = typeof sourcePageUrl === 'string' ? sourcePageUrl : typeof imageUrl === 'string' ? imageUrl : null;
      const job = createJob(
        'clothes',
        {
          image,
          sourceUrl: source,
          imageUrlSent: imageUrl,
          ...(typeof prompt === 'string' ? { prompt } : {}),
          parameters: { mode, ...(typeof model === 'string' ? { model } : {}) },
        },
        failWith,
      );
      return c.json({ requestId: job.id });
    }),
  );

  app.delete(
    '/api/v1/clothes/:clothId',
    route('clothes-delete', 'write', (c) => {
      const cloth = fake.clothes.get(c.req.param('clothId') ?? '');
      if (!cloth) return fail(c, 404, 'notFound', 'Clothes item not found');
      fake.clothes.delete(cloth.id);
      return c.json({ clothId: cloth.id, deletedKey: cloth.image.key });
    }),
  );

  // --- generations ----------------------------------------------------------------------

  app.post(
    '/api/v1/generations',
    route('generation-create', 'generate', async (c) => {
      const body = await readJsonBody(c);
      if (!body) return invalid(c, { body: ['Request body must be a JSON object'] });
      const errors: Record<string, string[]> = {};
      const { model, personId, clothesIds, aspectRatio, resolution, outputFormat, numImages, promptMode, prompt } = body;
      const nb2 = model === 'NanoBanana2';
      if (typeof model !== 'string' || !MODELS.includes(model)) errors.model = [`model must be one of ${MODELS.join(', ')}`];
      if (typeof personId !== 'string' || personId === '') errors.personId = ['personId is required'];
      if (!Array.isArray(clothesIds) || clothesIds.length === 0 || !clothesIds.every((id) => typeof id === 'string')) {
        errors.clothesIds = ['clothesIds must be a non-empty array of clothes ids'];
      } else if (clothesIds.length > (nb2 ? 7 : 2)) {
        errors.clothesIds = [`${String(model)} supports up to ${nb2 ? 7 : 2} clothes items`];
      }
      if (prompt !== undefined && typeof prompt !== 'string') errors.prompt = ['prompt must be a string'];
      if (promptMode !== undefined && !['template', 'preset', 'raw'].includes(promptMode as string)) {
        errors.promptMode = ['promptMode must be one of template, preset, raw'];
      }
      if (aspectRatio !== undefined && !ASPECT_RATIOS.includes(aspectRatio as string)) {
        errors.aspectRatio = [`aspectRatio must be one of ${ASPECT_RATIOS.join(', ')}`];
      }
      if (resolution !== undefined && (!nb2 || !RESOLUTIONS.includes(resolution as string))) {
        errors.resolution = ['resolution is only supported with NanoBanana2 (1K, 2K or 4K)'];
      }
      if (outputFormat !== undefined && outputFormat !== 'jpeg' && outputFormat !== 'png') {
        errors.outputFormat = ['outputFormat must be jpeg or png'];
      }
      if (numImages !== undefined) {
        const ok = Number.isInteger(numImages) && (nb2 ? numImages === 1 : (numImages as number) >= 1 && (numImages as number) <= 4);
        if (!ok) errors.numImages = [nb2 ? 'numImages must be 1 for NanoBanana2' : 'numImages must be 1 to 4 for NanoBanana'];
      }
      if (Object.keys(errors).length) return invalid(c, errors);
      if (nb2 && fake.plan !== 'pro') return fail(c, 403, 'planRequired', 'NanoBanana2 requires a paid plan');
      const person = fake.persons.get(personId as string);
      if (!person) return fail(c, 404, 'notFound', 'Person not found');
      if (!person.coverKey) {
        return fail(
          c,
          400,
          'personNotComposed',
          'The person has no composite cover image; call POST /api/v1/persons/{personId}/compose first',
        );
      }
      const missing = (clothesIds as string[]).filter((id) => !fake.clothes.has(id));
      if (missing.length) return fail(c, 404, 'notFound', `Clothes not found: ${missing.join(', ')}`);

      const active = fake.jobsOf('generation').filter((job) => ['queued', 'processing'].includes(fake.phase(job)));
      if (active.length >= fake.limits.concurrency) {
        const soonest = Math.min(...active.map((job) => job.createdAt + fake.timing.queuedMs + fake.timing.processingMs));
        fake.limited.set('generation-create', (fake.limited.get('generation-create') ?? 0) + 1);
        return fail(
          c,
          429,
          'concurrencyLimitExceeded',
          `At most ${fake.limits.concurrency} generations may run at once`,
          { limit: fake.limits.concurrency },
          Math.max(1, Math.ceil((soonest - Date.now()) / 1000)),
        );
      }
      const mode = (promptMode as string | undefined) ?? (body.promptPresetId || body.promptPresetTitle ? 'preset' : 'template');
      const finalPrompt =
        mode === 'raw' ? (prompt as string) : `Edit the provided reference image(s)... ${(prompt as string | undefined) ?? ''}`.trim();
      const job = createJob('generation', {
        personId,
        clothesIds,
        prompt: finalPrompt,
        body,
        parameters: { model, ...(resolution ? { resolution } : {}) },
      });
      return c.json({ requestId: job.id, personId, clothesIds, promptMode: mode, prompt: finalPrompt });
    }),
  );

  // --- jobs and history -----------------------------------------------------------------

  app.get(
    '/api/v1/jobs/:id',
    route('job-status', 'read', (c) => {
      const job = fake.jobs.get(c.req.param('id') ?? '');
      if (!job) return fail(c, 404, 'notFound', 'Job not found');
      return c.json(jobView(job));
    }),
  );

  app.get(
    '/api/v1/history',
    route('history', 'read', (c) => {
      const page = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
      const pageSize = Math.max(1, Math.min(100, Number.parseInt(c.req.query('pageSize') ?? '20', 10) || 20));
      const kind = c.req.query('kind') ?? 'images';
      if (kind !== 'images' && kind !== 'all') return invalid(c, { kind: ['kind must be images or all'] });
      const jobs = [...fake.jobs.values()]
        .filter((job) => kind === 'all' || job.input.kind === 'generation')
        .filter((job) => fake.phase(job) === 'completed')
        .reverse();
      return c.json({
        jobs: jobs.slice((page - 1) * pageSize, page * pageSize).map((job) => {
          const { error: _error, ...view } = jobView(job);
          return view;
        }),
        page,
        pageSize,
        total: jobs.length,
        totalPages: Math.max(1, Math.ceil(jobs.length / pageSize)),
      });
    }),
  );

  return fake.start(port);
}
