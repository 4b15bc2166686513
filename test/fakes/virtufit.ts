/**
 * A local fake of the VirtuFit API as documented in shared providers/virtufit.txt:
 * multipart `POST /api/v1/generate` (person file or URL, garment files or comma-separated
 * URLs, tier, swap_target, webhook), `GET /api/v1/jobs/:jobId`, and signed webhooks with
 * the documented retries.
 *
 * Like the real service it fetches every URL it is given (person_image_url, garment_urls),
 * so an expired or wrong URL fails here as it would in production. `syncMode` makes it
 * answer with the documented 200 synchronous fallback instead of 202.
 */
import type { Context } from 'hono';
import { createHmac, randomUUID } from 'node:crypto';
import { FakeProvider, type FakeJob } from './common.ts';

const PERSON_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const TIERS = ['nano', 'basic', 'pro'];
const SWAP_TARGETS = ['full_outfit', 'top', 'bottom', 'dress', 'jacket', 'watch', 'glasses', 'shoes', 'hat', 'bag', 'jewelry', 'other'];
const MAX_BYTES = 10 * 1024 * 1024;

export interface WebhookDelivery {
  url: string;
  attempt: number;
  body: string;
  signature: string | undefined;
  /** HTTP status the receiver answered, or 0 when it could not be reached. */
  status: number;
}

export class VirtuFitFake extends FakeProvider {
  /** Answer generate with the 200 synchronous fallback (after generating) instead of 202. */
  syncMode = false;
  /** Delays between webhook attempts: the documented 5 s, 25 s, 125 s, shortened in tests. */
  webhookBackoffMs = [5000, 25_000, 125_000];
  /** Sends `sha256=<hex>` instead of bare hex in X-VirtuFit-Signature. */
  signaturePrefix = '';
  readonly deliveries: WebhookDelivery[] = [];
  credits = 1000;
  #timers = new Set<ReturnType<typeof setTimeout>>();

  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    timer.unref?.();
    this.#timers.add(timer);
  }

  /** Resolves when `count` webhook deliveries have been attempted (or after `timeoutMs`). */
  async waitForDeliveries(count: number, timeoutMs = 5000): Promise<WebhookDelivery[]> {
    const until = Date.now() + timeoutMs;
    while (this.deliveries.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return this.deliveries;
  }

  override async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await super.close();
  }
}

const err = (c: Context, status: 400 | 404 | 413 | 415 | 500, error: string) => c.json({ success: false, error }, status);

function isWebhookUrl(value: string): boolean {
  try {
    const url = new URL(value);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
  } catch {
    return false;
  }
}

/** Fetches an image URL as VirtuFit would; undefined when it is not a reachable image. */
async function fetchImage(url: string): Promise<Uint8Array | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !type.startsWith('image/')) return undefined;
    const bytes = new Uint8Array(await response.arrayBuffer());
    return bytes.byteLength > 0 && bytes.byteLength <= MAX_BYTES ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function outputs(fake: VirtuFitFake, job: FakeJob): string[] {
  const count = Number(job.input.garmentCount ?? 1);
  return Array.from({ length: count }, (_, i) => (i === 0 ? fake.resultUrl(job) : `${fake.url}/__fake/results/${job.id}-${i}.png`));
}

function creditsFor(job: FakeJob): number {
  return Number(job.input.garmentCount ?? 1) * (job.input.tier === 'pro' ? 3 : 1);
}

function webhookPayload(fake: VirtuFitFake, job: FakeJob): Record<string, unknown> {
  const timestamp = new Date().toISOString();
  if (job.failWith !== undefined) {
    return { event: 'tryon.failed', job_id: job.id, status: 'failed', error: job.failWith, credits_used: 0, attempts: 3, timestamp };
  }
  const urls = outputs(fake, job);
  return {
    event: 'tryon.completed',
    job_id: job.id,
    status: 'completed',
    output_urls: urls,
    output_url: urls[0],
    tier: job.input.tier,
    credits_used: creditsFor(job),
    credits_remaining: fake.credits,
    processing_ms: fake.timing.processingMs,
    timestamp,
  };
}

async function deliver(fake: VirtuFitFake, job: FakeJob, attempt: number): Promise<void> {
  const url = job.input.webhookUrl as string;
  const secret = job.input.webhookSecret as string | undefined;
  const body = JSON.stringify(webhookPayload(fake, job));
  const signature = secret ? fake.signaturePrefix + createHmac('sha256', secret).update(body).digest('hex') : undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature) headers['x-virtufit-signature'] = signature;
  let status = 0;
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
    status = response.status;
    await response.body?.cancel();
  } catch {
    status = 0;
  }
  fake.deliveries.push({ url, attempt, body, signature, status });
  const delay = fake.webhookBackoffMs[attempt];
  if ((status < 200 || status >= 300) && delay !== undefined) fake.later(delay, () => void deliver(fake, job, attempt + 1));
}

/** Starts the VirtuFit fake on 127.0.0.1 (a free port unless `port` is given). */
export async function startFakeVirtufit({ apiKey, port }: { apiKey: string; port?: number }): Promise<VirtuFitFake> {
  const fake = new VirtuFitFake('virtufit');
  const { app } = fake;

  app.use('/api/v1/*', async (c, next) => {
    if (c.req.header('x-api-key') !== apiKey) return c.json({ success: false, error: 'Invalid or missing API key' }, 401);
    await next();
  });

  app.post(
    '/api/v1/generate',
    fake.route('generate', async (c) => {
      if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
        return err(c, 415, 'Content-Type must be multipart/form-data');
      }
      const body = await c.req.parseBody({ all: true });
      const one = (name: string) => {
        const value = body[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const text = (name: string) => {
        const value = one(name);
        return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
      };

      const tier = text('tier') ?? 'basic';
      if (!TIERS.includes(tier)) return err(c, 400, `tier must be one of: ${TIERS.join(', ')}`);
      const swapTarget = text('swap_target') ?? 'full_outfit';
      if (!SWAP_TARGETS.includes(swapTarget)) return err(c, 400, `swap_target must be one of: ${SWAP_TARGETS.join(', ')}`);
      const webhookUrl = text('webhook_url');
      if (webhookUrl !== undefined && !isWebhookUrl(webhookUrl)) return err(c, 400, 'webhook_url must be an HTTPS URL');

      const personFile = one('person_image');
      const personUrl = text('person_image_url');
      let personBytes: Uint8Array | undefined;
      if (personFile instanceof File) {
        if (!PERSON_TYPES.includes(personFile.type)) return err(c, 400, 'person_image must be JPEG, PNG or WebP');
        if (personFile.size > MAX_BYTES) return err(c, 413, 'person_image exceeds 10MB');
        personBytes = new Uint8Array(await personFile.arrayBuffer());
      } else if (personUrl) {
        personBytes = await fetchImage(personUrl);
        if (!personBytes) return err(c, 400, 'Could not fetch person_image_url');
      } else {
        return err(c, 400, 'person_image or person_image_url is required');
      }

      const rawFiles = body.garment_image;
      const garmentFiles = (Array.isArray(rawFiles) ? rawFiles : rawFiles === undefined ? [] : [rawFiles]).filter(
        (f): f is File => f instanceof File,
      );
      const garmentUrls = (text('garment_urls') ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      const garmentCount = garmentFiles.length + garmentUrls.length;
      if (garmentCount === 0) return err(c, 400, 'garment_image or garment_urls is required');
      if (garmentCount > 5) return err(c, 400, 'At most 5 garments per request');
      for (const url of garmentUrls) {
        if (!(await fetchImage(url))) return err(c, 400, `Could not fetch garment image: ${url}`);
      }

      const job = fake.createJob(
        {
          tier,
          swapTarget,
          garmentCount,
          garmentUrls,
          personBytes: personBytes.byteLength,
          garmentDescription: text('garment_description'),
          webhookUrl,
          webhookSecret: text('webhook_secret'),
        },
        randomUUID(),
      );
      const doneInMs = fake.timing.queuedMs + fake.timing.processingMs;

      if (fake.syncMode) {
        await new Promise((r) => setTimeout(r, doneInMs));
        if (job.failWith !== undefined) return err(c, 500, job.failWith);
        fake.credits -= creditsFor(job);
        const urls = outputs(fake, job);
        return c.json(
          {
            success: true,
            job_id: job.id,
            output_url: urls[0],
            output_urls: urls,
            tier,
            credits_used: creditsFor(job),
            credits_remaining: fake.credits,
            processing_time_ms: doneInMs,
          },
          200,
        );
      }

      if (job.failWith === undefined) fake.credits -= creditsFor(job);
      if (webhookUrl) fake.later(doneInMs + 5, () => void deliver(fake, job, 0));
      return c.json(
        {
          accepted: true,
          job_id: job.id,
          status: 'queued',
          status_url: `${fake.url}/api/v1/jobs/${job.id}`,
          message: 'Generation queued. Poll status_url or provide webhook_url for callback.',
          estimated_seconds: Math.ceil(doneInMs / 1000),
          credits_reserved: false,
        },
        202,
      );
    }),
  );

  app.get(
    '/api/v1/jobs/:jobId',
    fake.route('job-status', (c) => {
      const job = fake.jobs.get(c.req.param('jobId') ?? '');
      if (!job) return err(c, 404, 'Job not found');
      const status = fake.phase(job);
      // The document's words only: `queued` until the job is `completed` or `failed` (it names
      // no word for a running job).
      const running = status === 'queued' || status === 'processing';
      const answer: Record<string, unknown> = {
        job_id: job.id,
        status: running ? (fake.unlistedWord ?? 'queued') : status,
        tier: job.input.tier,
        created_at: new Date(job.createdAt).toISOString(),
      };
      if (status === 'completed') {
        const urls = outputs(fake, job);
        Object.assign(answer, { output_urls: urls, output_url: urls[0], credits_used: creditsFor(job) });
      }
      if (status === 'failed') Object.assign(answer, { error: job.failWith, credits_used: 0 });
      return c.json(answer, 200);
    }),
  );

  return fake.start(port);
}

/** The same, spelled as the vendor spells its name. */
