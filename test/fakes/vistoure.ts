/**
 * Local fake of VistoureAI's Virtual Try-On and Try-On Pro APIs (shared providers/vistoure.txt):
 * `POST /api/v2/tryon/run`, `GET /api/v2/tryon/status/{id}`, the same under
 * `/api/v2/tryon/pro/`, and `GET /api/v2/user/tokens`. Routes are counted as 'run', 'status',
 * 'pro-run', 'pro-status', 'tokens'.
 *
 * Faithful where the doc speaks: the `X-API-KEY` header, the required fields and their
 * allowed values (Try-On says 'dresses', Pro says 'dress'), `seed` an integer, `model_name`
 * and `garment_size` from their lists, the `{ id, error }` run answer, the status object
 * with an `output` list. Images are really loaded: a URL is fetched (so an expired photo URL
 * fails as in production), a base64 string or data URI is decoded, and either must be an
 * image. Where the doc is silent (error status codes, intermediate status words) the fake
 * answers 401 / 400 / 404 with `{ id: null, error: "..." }` and says 'in_queue', 'processing':
 * words no document lists, so the adapter reads them as still running.
 */
import type { Context } from 'hono';
import { FakeProvider, type FakeJob } from './common.ts';

const TRYON_CATEGORIES = ['top', 'bottom', 'dresses'];
const PRO_CATEGORIES = ['top', 'bottom', 'dress', 'accessory'];
const TRYON_MODELS = ['Beta', 'Turbo'];
const PRO_MODELS = ['', 'Pro', 'Pro Fit'];
const PRO_SIZES = ['S', 'M', 'L', 'XL'];

type Loaded = { ok: true; kind: 'url' | 'base64'; bytes: number } | { ok: false };

function isImage(bytes: Uint8Array): boolean {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  return (
    starts(0xff, 0xd8, 0xff) ||
    starts(0x89, 0x50, 0x4e, 0x47) ||
    (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP')
  );
}

/** Loads an image parameter the way the doc allows: a URL, or a base64 string (bare or as a data URI). */
export async function loadImageParam(value: string): Promise<Loaded> {
  if (/^https?:\/\//i.test(value)) {
    try {
      const response = await fetch(value, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) return { ok: false };
      const bytes = new Uint8Array(await response.arrayBuffer());
      return isImage(bytes) ? { ok: true, kind: 'url', bytes: bytes.length } : { ok: false };
    } catch {
      return { ok: false };
    }
  }
  const match = /^data:image\/[a-z+.-]+;base64,(.*)$/is.exec(value);
  const base64 = (match ? match[1]! : value).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(base64)) return { ok: false };
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  return isImage(bytes) ? { ok: true, kind: 'base64', bytes: bytes.length } : { ok: false };
}

const refuse = (c: Context, status: 400 | 401 | 404, error: string) => c.json({ id: null, error }, status);

/** The VistoureAI fake; `tokens` is the account balance its token route reports. */
export class VistoureFake extends FakeProvider {
  tokens = 42500;
}

export async function startFakeVistoure({ apiKey, port }: { apiKey: string; port?: number }): Promise<VistoureFake> {
  const fake = new VistoureFake('vistoure');
  const authorized = (c: Context) => c.req.header('x-api-key') === apiKey;

  const run = (pro: boolean) => async (c: Context) => {
    if (!authorized(c)) return refuse(c, 401, 'Invalid or missing API key.');
    let body: Record<string, unknown>;
    try {
      body = (await c.req.json()) as Record<string, unknown>;
    } catch {
      return refuse(c, 400, 'Request body must be JSON.');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return refuse(c, 400, 'Request body must be a JSON object.');
    const categories = pro ? PRO_CATEGORIES : TRYON_CATEGORIES;
    if (typeof body.category !== 'string' || !categories.includes(body.category)) {
      return refuse(c, 400, `category is required. Allowed: ${categories.map((x) => `'${x}'`).join(', ')}.`);
    }
    for (const field of ['model_image', 'garment_image']) {
      if (typeof body[field] !== 'string' || body[field] === '') return refuse(c, 400, `${field} is required.`);
    }
    if (body.model_name !== undefined) {
      const models = pro ? PRO_MODELS : TRYON_MODELS;
      if (typeof body.model_name !== 'string' || !models.includes(body.model_name)) {
        return refuse(c, 400, `model_name must be one of ${models.filter(Boolean).join(', ')}.`);
      }
    }
    if (!pro) {
      if (body.seed !== undefined && !Number.isInteger(body.seed)) return refuse(c, 400, 'seed must be an integer.');
      if (body.garment_description !== undefined && typeof body.garment_description !== 'string') {
        return refuse(c, 400, 'garment_description must be a string.');
      }
    } else {
      if (body.garment_size !== undefined && (typeof body.garment_size !== 'string' || !PRO_SIZES.includes(body.garment_size))) {
        return refuse(c, 400, `garment_size must be one of ${PRO_SIZES.join(', ')}.`);
      }
      if (
        body.aspect_ratio !== undefined &&
        (typeof body.aspect_ratio !== 'string' || !/^(\d{1,2}:\d{1,2}|match_input_image)$/.test(body.aspect_ratio))
      ) {
        return refuse(c, 400, "aspect_ratio must look like '3:4'.");
      }
    }
    const model = await loadImageParam(body.model_image as string);
    if (!model.ok) return refuse(c, 400, 'model_image could not be loaded as an image (ImageLoadError).');
    const garment = await loadImageParam(body.garment_image as string);
    if (!garment.ok) return refuse(c, 400, 'garment_image could not be loaded as an image (ImageLoadError).');
    for (const field of pro ? ['pose_image', 'style_image'] : []) {
      if (body[field] === undefined) continue;
      const extra = typeof body[field] === 'string' ? await loadImageParam(body[field]) : { ok: false as const };
      if (!extra.ok) return refuse(c, 400, `${field} could not be loaded as an image (ImageLoadError).`);
    }

    const input: Record<string, unknown> = {
      pro,
      category: body.category,
      model_name: body.model_name ?? (pro ? 'Pro' : 'Beta'),
      model_image_kind: model.kind,
      garment_image: body.garment_image,
    };
    for (const key of ['seed', 'garment_description', 'garment_size', 'aspect_ratio']) {
      if (body[key] !== undefined) input[key] = body[key];
    }
    // garment_size is documented as read only by Pro Fit; record what the model would use.
    if (pro && input.model_name !== 'Pro Fit') delete input.garment_size;
    const job = fake.createJob(input, fake.newId(pro ? 'gen_pro_' : 'gen_'));
    return c.json({ id: job.id, error: null });
  };

  const status = (pro: boolean) => (c: Context) => {
    if (!authorized(c)) return refuse(c, 401, 'Invalid or missing API key.');
    const job = fake.jobs.get(c.req.param('id') ?? '');
    if (!job || job.input.pro !== pro) return refuse(c, 404, 'Run not found.');
    return c.json(statusBody(fake, job, pro));
  };

  fake.app.post('/api/v2/tryon/run', fake.route('run', run(false)));
  fake.app.get('/api/v2/tryon/status/:id', fake.route('status', status(false)));
  fake.app.post('/api/v2/tryon/pro/run', fake.route('pro-run', run(true)));
  fake.app.get('/api/v2/tryon/pro/status/:id', fake.route('pro-status', status(true)));
  // "User Tokens": the balance read, documented only by its answer `{ "tokens": 42500 }`.
  fake.app.get(
    '/api/v2/user/tokens',
    fake.route('tokens', (c) => (authorized(c) ? c.json({ tokens: fake.tokens }) : refuse(c, 401, 'Invalid or missing API key.'))),
  );
  return fake.start(port);
}

function statusBody(fake: FakeProvider, job: FakeJob, pro: boolean): Record<string, unknown> {
  const phase = fake.reportPhase(job);
  // The document names one word, 'completed'; a failed run is told by its `error`. For a waiting
  // or running run it names none, so the fake answers words the adapter cannot know.
  const running = fake.unlistedWord ?? (phase === 'queued' ? 'in_queue' : 'processing');
  const body: Record<string, unknown> = {
    id: job.id,
    status: phase === 'completed' ? 'completed' : phase === 'failed' ? 'failed' : running,
    output: phase === 'completed' ? [fake.resultUrl(job)] : [],
    error: phase === 'failed' ? job.failWith : null,
  };
  if (!pro) {
    const { pro: _pro, model_image_kind: _kind, ...input } = job.input;
    body.input = input;
  }
  body.model_name = job.input.model_name;
  return body;
}
