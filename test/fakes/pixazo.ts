/**
 * Local fake of Pixelforge's (Pixazo) Clothing VTON API (shared providers/pixazo.txt):
 * `POST /virtual-tryon/v1/r-vton` (route 'submit') and
 * `POST /vton-polling/v1/r-vton-get-image` (route 'poll').
 *
 * Faithful where the doc speaks: the `Ocp-Apim-Subscription-Key` header on submit (missing or
 * wrong → 401 `{ error: "Invalid or missing authentication" }`), required `category`,
 * `garm_img`, `human_img`, the documented `{ error }` shape for 400/404, the `{ id }` answer
 * and `{ status: "succeeded", output: "<url>" }` when done. Both images are really fetched
 * by URL, so an expired or wrong photo URL fails here as it would in production.
 * Where the doc is silent: the allowed categories and the in-between status words are those
 * of the prediction API its parameters come from (upper_body | lower_body | dresses;
 * starting → processing → succeeded | failed), and polling, whose examples carry no key,
 * is not checked for one.
 */
import type { Context } from 'hono';
import { FakeProvider } from './common.ts';

const CATEGORIES = ['upper_body', 'lower_body', 'dresses'];

function isImage(bytes: Uint8Array): boolean {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  return (
    starts(0xff, 0xd8, 0xff) ||
    starts(0x89, 0x50, 0x4e, 0x47) ||
    (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP')
  );
}

async function fetchImage(url: string): Promise<boolean> {
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return response.ok && isImage(new Uint8Array(await response.arrayBuffer()));
  } catch {
    return false;
  }
}

const isFlag = (v: unknown) => v === undefined || typeof v === 'boolean' || v === 'true' || v === 'false';
const isInt = (v: unknown) => v === undefined || Number.isInteger(v) || (typeof v === 'string' && /^\d+$/.test(v));

export async function startFakePixazo({ apiKey, port }: { apiKey: string; port?: number }): Promise<FakeProvider> {
  const fake = new FakeProvider('pixazo');
  const invalid = (c: Context, why: string) => c.json({ error: `Invalid request parameters: ${why}` }, 400);

  fake.app.post(
    '/virtual-tryon/v1/r-vton',
    fake.route('submit', async (c) => {
      if (c.req.header('ocp-apim-subscription-key') !== apiKey) {
        return c.json({ error: 'Invalid or missing authentication' }, 401);
      }
      let body: Record<string, unknown>;
      try {
        body = (await c.req.json()) as Record<string, unknown>;
      } catch {
        return invalid(c, 'body must be JSON');
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid(c, 'body must be a JSON object');
      if (typeof body.category !== 'string' || !CATEGORIES.includes(body.category)) {
        return invalid(c, `category must be one of ${CATEGORIES.join(', ')}`);
      }
      for (const field of ['garm_img', 'human_img']) {
        if (typeof body[field] !== 'string' || body[field] === '') return invalid(c, `${field} is required`);
      }
      for (const field of ['crop', 'force_dc', 'mask_only']) {
        if (!isFlag(body[field])) return invalid(c, `${field} must be true or false`);
      }
      for (const field of ['seed', 'steps']) {
        if (!isInt(body[field])) return invalid(c, `${field} must be a whole number`);
      }
      if (body.garment_des !== undefined && typeof body.garment_des !== 'string') return invalid(c, 'garment_des must be text');
      if (!(await fetchImage(body.human_img as string))) return invalid(c, 'human_img could not be downloaded as an image');
      if (!(await fetchImage(body.garm_img as string))) return invalid(c, 'garm_img could not be downloaded as an image');

      const input: Record<string, unknown> = { category: body.category, human_img: body.human_img, garm_img: body.garm_img };
      for (const key of ['crop', 'seed', 'steps', 'force_dc', 'mask_only', 'garment_des']) {
        if (body[key] !== undefined) input[key] = body[key];
      }
      const job = fake.createJob(input, fake.newId('zdj7'));
      return c.json({ id: job.id });
    }),
  );

  fake.app.post(
    '/vton-polling/v1/r-vton-get-image',
    fake.route('poll', async (c) => {
      let body: { id?: unknown };
      try {
        body = (await c.req.json()) as { id?: unknown };
      } catch {
        return invalid(c, 'body must be JSON');
      }
      if (typeof body?.id !== 'string' || body.id === '') return invalid(c, 'id is required');
      const job = fake.jobs.get(body.id);
      if (!job) return c.json({ error: 'Prediction not found' }, 404);
      const phase = fake.reportPhase(job);
      // 'succeeded' is the document's one word; the in-between ones are not in it (the adapter
      // reads them as still running) and a failure is told by `error`, the document's error field.
      const running = fake.unlistedWord ?? (phase === 'queued' ? 'starting' : 'processing');
      return c.json({
        id: job.id,
        status: phase === 'completed' ? 'succeeded' : phase === 'failed' ? 'failed' : running,
        output: phase === 'completed' ? fake.resultUrl(job) : null,
        error: phase === 'failed' ? job.failWith : null,
      });
    }),
  );
  return fake.start(port);
}
