/**
 * A local fake of the Vtryon API as documented in shared providers/vtryon.txt: person and
 * garment image libraries (multipart upload, list, delete), person validation, try-on tasks
 * (create, list, poll). Django-REST style errors (`{"detail": ...}` / per-field lists), as
 * the trailing-slash paths suggest.
 *
 * Validation really looks at the uploaded photo (a photo too small for the model is invalid);
 * tests can also make the next validation fail with `fake.nextValidationIssues`.
 */
import type { Context } from 'hono';
import { imageSize } from 'image-size';
import { FakeProvider } from './common.ts';

/** Shortest side, in pixels, the fake's "model" accepts for a person photo. */
export const VTRYON_MIN_PERSON_EDGE = 256;

interface StoredImage {
  id: number;
  image_name: string;
  bytes: Uint8Array;
  type: string;
  issues: string[];
}

export class VtryonFake extends FakeProvider {
  readonly personImages = new Map<number, StoredImage>();
  readonly garmentImages = new Map<number, StoredImage>();
  /** Issues the next person validation reports (then cleared), whatever the photo. */
  nextValidationIssues: string[] | undefined;
  #imageSeq = 180;
  #taskSeq = 199;

  nextImageId(): number {
    return ++this.#imageSeq;
  }

  nextTaskId(): string {
    return String(++this.#taskSeq);
  }
}

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

function page<T>(c: Context, items: T[]) {
  const pageNo = Math.max(1, Number(c.req.query('page') ?? 1) || 1);
  const size = Math.max(1, Math.min(100, Number(c.req.query('page_size') ?? 10) || 10));
  const start = (pageNo - 1) * size;
  const url = new URL(c.req.url);
  const link = (n: number) => {
    url.searchParams.set('page', String(n));
    return url.toString();
  };
  return {
    count: items.length,
    next: start + size < items.length ? link(pageNo + 1) : null,
    previous: pageNo > 1 ? link(pageNo - 1) : null,
    results: items.slice(start, start + size),
  };
}

async function readUpload(c: Context): Promise<{ file: File; name: string } | Response> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) {
    return c.json({ detail: `Unsupported media type "${type.split(';')[0]}" in request.` }, 415);
  }
  const body = await c.req.parseBody();
  const file = body.image;
  if (!(file instanceof File) || file.size === 0) return c.json({ image: ['No file was submitted.'] }, 400);
  if (!IMAGE_TYPES.includes(file.type)) {
    return c.json({ image: ['Upload a valid image. The file you uploaded was either not an image or a corrupted image.'] }, 400);
  }
  const name = typeof body.image_name === 'string' ? body.image_name : '';
  return { file, name };
}

/** Starts the Vtryon fake on 127.0.0.1 (a free port unless `port` is given). */
export async function startFakeVtryon({ apiKey, port }: { apiKey: string; port?: number }): Promise<VtryonFake> {
  const fake = new VtryonFake('vtryon');
  const { app } = fake;

  app.use('/v2/*', async (c, next) => {
    const key = c.req.header('x-api-key');
    if (!key) return c.json({ detail: 'Authentication credentials were not provided.' }, 401);
    if (key !== apiKey) return c.json({ detail: 'Invalid API key.' }, 401);
    await next();
  });

  const library = (kind: 'person' | 'garment') => {
    const images = kind === 'person' ? fake.personImages : fake.garmentImages;
    const base = kind === 'person' ? '/v2/tryon/person-images/' : '/v2/tryon/garment-images/';
    const view = (image: StoredImage) => ({
      id: image.id,
      image_url: `${fake.url}/__fake/library/${kind}/${image.id}`,
      image_name: image.image_name,
    });

    app.post(
      base,
      fake.route(`${kind}-upload`, async (c) => {
        const upload = await readUpload(c);
        if (upload instanceof Response) return upload;
        const bytes = new Uint8Array(await upload.file.arrayBuffer());
        let issues: string[] = [];
        if (kind === 'person') {
          try {
            const { width, height } = imageSize(bytes);
            if (Math.min(width, height) < VTRYON_MIN_PERSON_EDGE) {
              issues = [`Image resolution is too low: the shorter side must be at least ${VTRYON_MIN_PERSON_EDGE} px.`];
            }
          } catch {
            return c.json({ image: ['Upload a valid image. The file you uploaded was either not an image or a corrupted image.'] }, 400);
          }
        }
        const image: StoredImage = { id: fake.nextImageId(), image_name: upload.name, bytes, type: upload.file.type, issues };
        images.set(image.id, image);
        const { image_name: _name, ...answer } = view(image);
        return c.json(answer, 200);
      }),
    );

    app.get(
      base,
      fake.route(`${kind}-list`, (c) => {
        const name = c.req.query('image_name');
        const all = [...images.values()].filter((i) => !name || i.image_name === name).map(view);
        return c.json(page(c, all), 200);
      }),
    );

    app.delete(
      `${base}:id/`,
      fake.route(`${kind}-delete`, (c) => {
        const id = Number(c.req.param('id'));
        if (!images.delete(id)) return c.json({ detail: 'Not found.' }, 404);
        return c.json({ detail: 'Deleted successfully' }, 200);
      }),
    );
  };
  library('person');
  library('garment');

  // What the stored images' image_url points at.
  app.get('/__fake/library/:kind/:id', (c) => {
    const images = c.req.param('kind') === 'person' ? fake.personImages : fake.garmentImages;
    const image = images.get(Number(c.req.param('id')));
    if (!image) return c.json({ detail: 'Not found.' }, 404);
    return c.body(new Uint8Array(image.bytes), 200, { 'content-type': image.type });
  });

  const validation = (id: number) => {
    const image = fake.personImages.get(id)!;
    return { tryon_person_image_id: id, is_valid: image.issues.length === 0, issues: image.issues };
  };

  app.post(
    '/v2/tryon/person-validations/',
    fake.route('validate', async (c) => {
      const body = (await c.req.json().catch(() => null)) as { tryon_person_image_id?: unknown } | null;
      const id = body?.tryon_person_image_id;
      if (typeof id !== 'number') return c.json({ tryon_person_image_id: ['This field is required.'] }, 400);
      const image = fake.personImages.get(id);
      if (!image) return c.json({ tryon_person_image_id: [`Invalid pk "${id}" - object does not exist.`] }, 400);
      if (fake.nextValidationIssues) {
        image.issues = fake.nextValidationIssues;
        fake.nextValidationIssues = undefined;
      }
      return c.json(validation(id), 200);
    }),
  );

  app.get(
    '/v2/tryon/person-validations/',
    fake.route('validation-get', (c) => {
      const id = Number(c.req.query('tryon_person_image_id'));
      if (!fake.personImages.has(id)) return c.json({ detail: 'Not found.' }, 404);
      return c.json(validation(id), 200);
    }),
  );

  const taskStatus = (id: string) => {
    const job = fake.jobs.get(id)!;
    switch (fake.phase(job)) {
      // The document's "Task Statuses": queued/pending, processing, completed, failed.
      case 'queued':
        return { status: fake.unlistedWord ?? 'pending' };
      case 'processing':
        return { status: fake.unlistedWord ?? 'processing' };
      case 'completed':
        return { status: 'completed', result_url: fake.resultUrl(job) };
      case 'failed':
        return { status: 'failed', error: job.failWith };
    }
  };

  app.post(
    '/v2/tryon/tasks/',
    fake.route('task-create', async (c) => {
      const body = (await c.req.json().catch(() => null)) as { tryon_person_image_id?: unknown; garment_image_ids?: unknown } | null;
      if (!body) return c.json({ detail: 'JSON parse error.' }, 400);
      const errors: Record<string, string[]> = {};
      const personId = body.tryon_person_image_id;
      if (typeof personId !== 'number') errors.tryon_person_image_id = ['This field is required.'];
      else if (!fake.personImages.has(personId)) {
        errors.tryon_person_image_id = [`Invalid pk "${personId}" - object does not exist.`];
      }
      const garmentIds = body.garment_image_ids;
      if (!Array.isArray(garmentIds) || garmentIds.length === 0) errors.garment_image_ids = ['This list may not be empty.'];
      else {
        const missing = garmentIds.filter((id) => typeof id !== 'number' || !fake.garmentImages.has(id));
        if (missing.length) errors.garment_image_ids = missing.map((id) => `Invalid pk "${String(id)}" - object does not exist.`);
      }
      if (Object.keys(errors).length) return c.json(errors, 400);
      const job = fake.createJob({ personId, garmentIds }, fake.nextTaskId());
      return c.json({ id: Number(job.id), status: 'queued', created_at: new Date(job.createdAt).toISOString() }, 200);
    }),
  );

  app.get(
    '/v2/tryon/tasks/',
    fake.route('task-list', (c) => {
      const person = c.req.query('tryon_person_image');
      const garment = c.req.query('garment_images');
      const all = [...fake.jobs.values()]
        .filter((job) => !person || String(job.input.personId) === person)
        .filter((job) => !garment || (job.input.garmentIds as number[]).map(String).includes(garment))
        .map((job) => ({
          id: Number(job.id),
          ...taskStatus(job.id),
          tryon_person_image: job.input.personId,
          garment_image_ids: job.input.garmentIds,
          created_at: new Date(job.createdAt).toISOString(),
        }));
      return c.json(page(c, all), 200);
    }),
  );

  app.get(
    '/v2/tryon/tasks/:id/',
    fake.route('task-status', (c) => {
      const id = c.req.param('id') ?? '';
      if (!fake.jobs.has(id)) return c.json({ detail: 'Not found.' }, 404);
      return c.json({ id: Number(id), ...taskStatus(id) }, 200);
    }),
  );

  return fake.start(port);
}
