/**
 * The providers the contract suite runs over, each with its fake and the names of the fake's
 * routes that matter to the contract, plus a loopback endpoint harness: the real handler on a
 * real Node server (startNodeServer), configured through the environment as a merchant would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Category } from '../../../src/protocol.ts';
import { startNodeServer } from '../../../src/server/runtimes/node.ts';
import { getAdapter } from '../../../src/server/providers/registry.ts';
import type { FakeProvider } from '../../fakes/common.ts';
import { startFakeVistoure } from '../../fakes/vistoure.ts';
import { startFakeVtryon } from '../../fakes/vtryon.ts';
import { startFakeVirtufit } from '../../fakes/virtufit.ts';
import { startFakePixazo } from '../../fakes/pixazo.ts';
import { startFakeVtry, type VtryFake } from '../../fakes/vtry.ts';
import { garmentPng, makePng } from '../images.ts';

export interface ProviderCase {
  name: string;
  start(init: { apiKey: string }): Promise<FakeProvider>;
  /** The fake's route of the first call a submit makes (where submit faults are injected). */
  submitRoute: string;
  /** The fake's route of the paid call that starts a generation: once per try-on. */
  generationRoute: string;
  /** The fake's route a status poll reaches. */
  statusRoute: string;
  /** Routes of what the provider keeps per shopper photo: a second product must not call them again. */
  personRoutes: string[];
  /** Provider calls one status refresh may make (a multi-step provider reads each step's job). */
  maxCallsPerRefresh?: number;
  /** Adjusts the fake for the suite (e.g. limits that would otherwise throttle a fast test run). */
  prepare?(fake: FakeProvider): void;
  /** Endpoint settings the suite needs (the account limits matching `prepare`'s). */
  env?: Record<string, string>;
}

/** Every provider of issue 3, with its fake. */
export const PROVIDER_CASES: ProviderCase[] = [
  { name: 'vistoure', start: startFakeVistoure, submitRoute: 'run', generationRoute: 'run', statusRoute: 'status', personRoutes: [] },
  {
    name: 'vistoure-pro',
    start: startFakeVistoure,
    submitRoute: 'pro-run',
    generationRoute: 'pro-run',
    statusRoute: 'pro-status',
    personRoutes: [],
  },
  {
    name: 'vtryon',
    start: startFakeVtryon,
    submitRoute: 'task-create',
    generationRoute: 'task-create',
    statusRoute: 'task-status',
    personRoutes: ['person-upload', 'validate'],
  },
  {
    name: 'virtufit',
    start: startFakeVirtufit,
    submitRoute: 'generate',
    generationRoute: 'generate',
    statusRoute: 'job-status',
    personRoutes: [],
    // Its "few requests per minute" (3 generate calls) would queue most of this suite's try-ons.
    env: { TRYON_PROVIDER_LIMITS: 'generate=1000' },
  },
  { name: 'pixazo', start: startFakePixazo, submitRoute: 'submit', generationRoute: 'submit', statusRoute: 'poll', personRoutes: [] },
  {
    // Vtry prepares the person (upload + compose) and the clothes item before the paid
    // generation, which a poll starts once both are ready (see vtry.ts).
    name: 'vtry',
    start: startFakeVtry,
    // The person is kept per photo and this suite sends one photo: after the first try-on a
    // submit goes straight to the paid generation, where its faults are injected.
    submitRoute: 'generation-create',
    generationRoute: 'generation-create',
    statusRoute: 'job-status',
    personRoutes: ['person-create', 'compose'],
    maxCallsPerRefresh: 3,
    prepare(fake) {
      // Vtry's per-minute buckets are tested in its adapter suite; here they would only slow us.
      const vtry = fake as VtryFake;
      // Its concurrency too: a generation whose submit failed (5xx, unreadable) keeps its slot until
      // the slot's lease ends, which the fault tests here would otherwise pile up.
      vtry.limits = {
        ...vtry.limits,
        read: 10_000,
        write: 10_000,
        generate: 10_000,
        'source-images': 10_000,
        preauth: 10_000,
        failedAuth: 10_000,
        concurrency: 10_000,
      };
    },
    env: { TRYON_PROVIDER_LIMITS: 'read=10000,write=10000,generate=10000,concurrency=10000' },
  },
];

/** A category the provider refuses, if it refuses any. */
export function unsupportedCategory(name: string): Category | undefined {
  const { categories } = getAdapter(name);
  return (['shoes', 'accessory', 'full', 'outerwear', 'bottom', 'dress', 'top'] as const).find((c) => categories[c] === undefined);
}

const listen = (server: Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));

/** A port free right now, so the endpoint can know its own public URL before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  const host = await listen(probe);
  await new Promise((r) => probe.close(r));
  return Number(host.split(':')[1]);
}

/**
 * The merchant's garment images on a loopback "CDN": the fakes fetch them as the real APIs
 * would (over http here; the real APIs get https).
 */
export async function startGarmentHost(): Promise<{ host: string; url(name: string): string; close(): Promise<void> }> {
  const second = makePng(20, 24, () => [20, 40, 200]);
  const server = createServer((req, res) => {
    const body = req.url?.includes('second') ? second : garmentPng;
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(body.length) }).end(body);
  });
  const host = await listen(server);
  return {
    host,
    url: (name) => `http://${host}/garments/${name}.png`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A clock the test can move forward, so the status cache's per-interval rule is met without waiting. */
export class SkewClock {
  skewMs = 0;
  now = () => Date.now() + this.skewMs;
  advance(ms: number) {
    this.skewMs += ms;
  }
}

export interface Endpoint {
  /** The endpoint base, e.g. http://127.0.0.1:4567/api/try-on. */
  base: string;
  clock: SkewClock;
  logs: object[];
  close(): Promise<void>;
}

/**
 * The real handler on a real loopback Node server, configured only through TRYON_* variables.
 * `TRYON_PUBLIC_URL` is set for providers that fetch the photo by URL (so they really do, from
 * this server); for the others it is left out, so VirtuFit is polled rather than called back
 * (its webhooks are covered by its adapter tests and by the e2e run).
 */
export async function startEndpoint(
  name: string,
  fake: FakeProvider,
  init: { apiKey: string; garmentHost: string; env?: Record<string, string> },
): Promise<Endpoint> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/api/try-on`;
  const clock = new SkewClock();
  const logs: object[] = [];
  const env: Record<string, string> = {
    TRYON_PROVIDER: name,
    TRYON_API_KEY: init.apiKey,
    TRYON_PROVIDER_URL: fake.url,
    TRYON_SECRET: 'contract-suite-secret-0123456789',
    TRYON_GARMENT_HOSTS: init.garmentHost,
    // The fakes and the garment "CDN" run on this machine: the development setting that allows loopback.
    TRYON_DEV_ALLOW_LOOPBACK: '1',
    // Keep what a provider holds for the photo while its handle lives, so the suite can check that
    // a second product reuses it (the default deletes it once a result is delivered).
    TRYON_PROVIDER_RETENTION: 'photo',
    ...init.env,
  };
  if (getAdapter(name).needsPhotoUrl) env.TRYON_PUBLIC_URL = base;
  const server = await startNodeServer({
    port,
    env,
    handlerOptions: { basePath: '/api/try-on', now: clock.now, log: (entry) => logs.push(entry) },
  });
  return { base, clock, logs, close: server.close };
}
