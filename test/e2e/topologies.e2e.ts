/**
 * End to end, issue 11: behind a proxy, a CDN or a TLS terminator every try-on must work. Each
 * deployment shape runs a shopper's whole try-on (consent, photo, submit, progress, the demo
 * provider's result shown) in Chromium through a real proxy server written here, all on
 * 127.0.0.1:
 * 1. same origin behind a TLS-ending https proxy that writes X-Forwarded-* (the issue's failing
 *    case, TRYON_ALLOWED_ORIGINS set, and with TRYON_TRUST_PROXY alone);
 * 2. the shop on one origin, the endpoint behind a gateway on another (CORS);
 * 3. the shop under a path prefix (/store/), the endpoint at /store/api/try-on;
 * 4. Shopify's app proxy: /apps/try-on/* on the shop's origin, forwarded signed.
 * Every run asserts: no /jobs request refused 403, the submit accepted, at least two polls
 * answered 200, and the result image loaded (naturalWidth > 0) from where the shopper can
 * reach it. Screenshots of each finished try-on go to test-results/topologies/.
 *
 * Run after a widget build: `npm run test:e2e`.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startNodeServer } from '../../src/server/runtimes/node.ts';
import { signProxyQuery } from '../../src/server/shopify/shopify.ts';
import {
  choosePhoto,
  openPanel,
  openWidget,
  requireWidgetBuild,
  ROOT,
  startBrowser,
  waitForResultImage,
  waitForStatus,
  watchProblems,
} from './helpers.ts';
import {
  makeCertificate,
  productPage,
  startDemoProcess,
  startProxy,
  startShop,
  under,
  type Certificate,
  type Proxy,
  type ProxiedRequest,
} from './topology-servers.ts';

const SHOTS = `${ROOT}test-results/topologies/`;
const SECRET = 'topologies-secret-0123456789abcdef0123456789';
const SHOPIFY_SECRET = 'topologies-shopify-app-secret-0123456789';
const SHOP = 'topology-test.myshopify.com';
/** The shop's garments are served on loopback: allowed by host, and loopback only in development mode. */
const GARMENTS = { TRYON_GARMENT_HOSTS: '127.0.0.1', TRYON_DEV_ALLOW_LOOPBACK: '1' };
const ENDPOINT_PATH = '/api/try-on';
/** Each topology is a few seconds' work (the demo job alone takes 3.5 s): a hang fails, it does not stall the run. */
const BOUNDED = { timeout: 60_000 };

let browser: Browser;
let photoPath: string;
let scratch: string;
let certificate: Certificate;

beforeAll(async () => {
  requireWidgetBuild();
  scratch = await mkdtemp(join(tmpdir(), 'try-on-topologies-'));
  certificate = await makeCertificate(scratch);
  // The TLS proxy's certificate is made here, not signed by anyone Chromium knows.
  ({ browser, photoPath } = await startBrowser(SHOTS, { ignoreCertificateErrors: true }));
});

afterAll(async () => {
  await browser?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** A response to a /jobs request, as the page saw it. */
interface JobExchange {
  method: string;
  url: string;
  status: number;
  allowOrigin: string | undefined;
}

interface TryOnRun {
  jobs: JobExchange[];
  /** The result image's address, as the page has it. */
  result: string;
}

/**
 * A first-time shopper's try-on on `url`, to the end: fails with what the widget said if it does
 * not complete. Checks what every topology must give: no /jobs refused 403, the submit accepted
 * (202), its polls answered 200 (at least one), and the result image loaded in the page.
 */
async function shopperTryOn(name: string, url: string): Promise<TryOnRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = watchProblems(page, { console: true });
  const seen: Promise<JobExchange>[] = [];
  page.on('response', (response) => {
    const request = response.request();
    if (!/\/jobs(\/|$)/.test(new URL(request.url()).pathname)) return;
    seen.push(
      response.allHeaders().then((headers) => ({
        method: request.method(),
        url: request.url(),
        status: response.status(),
        allowOrigin: headers['access-control-allow-origin'],
      })),
    );
  });
  try {
    const widget = await openWidget(page, url);
    await openPanel(page, widget);
    await widget.locator('[part="consent-checkbox"]').check();
    await (await choosePhoto(widget, photoPath)).click();
    const final = await waitForStatus(page, ['complete', 'error']);
    const jobs = await Promise.all(seen);
    if (final === 'error') {
      await page.screenshot({ path: `${SHOTS}${name}-error.png` });
      const said = await widget.locator('[part="error"]').innerText();
      assert.fail(`${name}: the try-on failed: ${said}\n/jobs answers: ${jobs.map((j) => `${j.method} ${j.status}`).join(', ')}`);
    }
    await waitForResultImage(page);
    const image = widget.locator('[part="result-image"]');
    assert.ok((await image.evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0, 'the result image loaded');
    await page.screenshot({ path: `${SHOTS}${name}.png` });
    const result = await image.evaluate((img: HTMLImageElement) => img.currentSrc);

    const all = await Promise.all(seen);
    assert.deepEqual(
      all.filter((j) => j.status === 403).map((j) => `${j.method} ${j.url}`),
      [],
      'no /jobs request refused 403',
    );
    const submits = all.filter((j) => j.method === 'POST');
    assert.deepEqual(
      submits.map((j) => j.status),
      [202],
      'one submit, accepted',
    );
    const polls = all.filter((j) => j.method === 'GET');
    // One poll is enough to prove the token works after the submit; how many there are depends on
    // how fast the machine is against the demo's 3.5 s, which a test must not rely on.
    assert.ok(polls.filter((j) => j.status === 200).length >= 1, `a poll answered 200 (got ${polls.map((j) => j.status).join(', ')})`);
    assert.deepEqual(
      polls.filter((j) => j.status !== 200).map((j) => `${j.status} ${j.url}`),
      [],
      'every poll answered 200',
    );
    assert.deepEqual(problems, []);
    return { jobs: all, result };
  } finally {
    await context.close();
  }
}

const isSubmit = (r: ProxiedRequest, prefix: string) => r.method === 'POST' && r.url.split('?')[0] === `${prefix}/jobs`;
const isPoll = (r: ProxiedRequest, prefix: string) => r.method === 'GET' && r.url.startsWith(`${prefix}/jobs/`);
const errorsIn = (logs: Record<string, unknown>[]) => logs.filter((entry) => entry.level === 'error');

describe('1. same origin behind a TLS-ending https proxy (X-Forwarded-Proto/Host/For)', () => {
  /** The demo store (its own process, trusting the proxy's certificate for the garment download) behind the https proxy. */
  async function behindTls(
    name: string,
    env: (proxyOrigin: string) => Record<string, string>,
    check: (proxy: Proxy, run: TryOnRun) => void,
  ) {
    let upstream: string | undefined;
    const proxy = await startProxy({
      tls: certificate,
      forwarded: true,
      route: (req) => (upstream ? new URL(req.url ?? '/', upstream) : undefined),
    });
    const demo = await startDemoProcess(
      { TRYON_PROVIDER: 'demo', TRYON_SECRET: SECRET, ...GARMENTS, ...env(proxy.origin) },
      certificate.certPath,
    );
    upstream = demo.url;
    try {
      const run = await shopperTryOn(name, `${proxy.origin}/`);
      // Everything the shopper did went through the proxy, and the result is addressed there too.
      assert.ok(run.result.startsWith(`${proxy.origin}${ENDPOINT_PATH}/files/`), `the result is served through the proxy: ${run.result}`);
      assert.ok(
        proxy.requests.some((r) => r.method === 'GET' && run.result.endsWith(r.url) && r.status === 200),
        'the result came through the proxy',
      );
      assert.ok(
        proxy.requests.some((r) => r.url === '/garments/linen-shirt.png' && r.status === 200),
        'the endpoint fetched the garment at the public https URL',
      );
      check(proxy, run);
      assert.deepEqual(errorsIn(demo.logs), [], 'the endpoint logged no errors');
    } finally {
      await demo.close();
      await proxy.close();
    }
  }

  it(
    "TRYON_ALLOWED_ORIGINS set (issue 11's failing case): the submit carries Origin, the polls none, and no poll is refused",
    BOUNDED,
    async () => {
      await behindTls(
        '1-tls-allowed-origins',
        (origin) => ({ TRYON_ALLOWED_ORIGINS: origin, TRYON_TRUST_PROXY: 'x-forwarded-for' }),
        (proxy) => {
          // The condition that used to give 403 token_scope_mismatch: a token minted for the
          // submit's Origin, then polled by same-origin GETs, which browsers send without one.
          const submits = proxy.requests.filter((r) => isSubmit(r, ENDPOINT_PATH));
          const polls = proxy.requests.filter((r) => isPoll(r, ENDPOINT_PATH));
          assert.equal(submits.length, 1);
          assert.equal(submits[0]!.headers.origin, proxy.origin, 'the submit carried the page origin');
          assert.ok(polls.length >= 1, 'the polls went through the proxy');
          assert.deepEqual(
            polls.map((r) => r.headers.origin),
            polls.map(() => undefined),
            'the polls carried no Origin',
          );
          assert.ok(
            polls.every((r) => r.status === 200),
            'and every one was answered 200',
          );
        },
      );
    },
  );

  it('TRYON_TRUST_PROXY alone, no allowed origins: the forwarded origin is the endpoint’s own', BOUNDED, async () => {
    await behindTls(
      '1-tls-trust-proxy-only',
      () => ({ TRYON_TRUST_PROXY: 'x-forwarded-for' }),
      (proxy) => {
        assert.equal(
          proxy.requests.find((r) => isSubmit(r, ENDPOINT_PATH))?.headers.origin,
          proxy.origin,
          'the submit carried the page origin',
        );
      },
    );
  });
});

describe('2. the shop on one origin, the endpoint behind a gateway on another (CORS)', () => {
  it('an absolute endpoint attribute; every call and the result cross origins', BOUNDED, async () => {
    const logs: Record<string, unknown>[] = [];
    let endpoint: string | undefined;
    const gateway = await startProxy({ forwarded: true, route: (req) => (endpoint ? new URL(req.url ?? '/', endpoint) : undefined) });
    const page = productPage({
      cdn: '/cdn',
      endpoint: `${gateway.origin}${ENDPOINT_PATH}`,
      garment: '/garments/linen-shirt.png',
      title: 'Another origin',
    });
    const shop = await startShop(page);
    const server = await startNodeServer({
      port: 0,
      env: {
        TRYON_PROVIDER: 'demo',
        TRYON_SECRET: SECRET,
        ...GARMENTS,
        TRYON_ALLOWED_ORIGINS: shop.url,
        TRYON_TRUST_PROXY: 'x-forwarded-for',
      },
      handlerOptions: { basePath: ENDPOINT_PATH, log: (entry) => logs.push(entry as Record<string, unknown>) },
    });
    endpoint = server.url;
    try {
      assert.notEqual(new URL(shop.url).origin, gateway.origin);
      const run = await shopperTryOn('2-cors', `${shop.url}/`);
      for (const job of run.jobs) assert.equal(job.allowOrigin, shop.url, `${job.method} ${job.url} allowed for the shop's origin only`);
      assert.ok(run.result.startsWith(`${gateway.origin}${ENDPOINT_PATH}/files/`), `the result is addressed at the gateway: ${run.result}`);
      const submit = gateway.requests.find((r) => isSubmit(r, ENDPOINT_PATH));
      assert.equal(submit?.headers.origin, shop.url);
      assert.ok(
        gateway.requests.filter((r) => isPoll(r, ENDPOINT_PATH)).every((r) => r.headers.origin === shop.url),
        'cross-origin polls carry the Origin',
      );
      assert.deepEqual(errorsIn(logs), [], 'the endpoint logged no errors');
    } finally {
      await server.close();
      await shop.close();
      await gateway.close();
    }
  });
});

describe('3. under a path prefix', () => {
  it('the store at /store/, the endpoint at /store/api/try-on (prefix stripped), TRYON_PUBLIC_URL with the prefix', BOUNDED, async () => {
    const logs: Record<string, unknown>[] = [];
    let shopUrl: string | undefined;
    let endpoint: string | undefined;
    const proxy = await startProxy({
      forwarded: true,
      route: (req) => {
        const api = under(req.url ?? '/', `/store${ENDPOINT_PATH}`);
        if (api !== undefined) return endpoint ? new URL(`${ENDPOINT_PATH}${api}`, endpoint) : undefined;
        const rest = under(req.url ?? '/', '/store');
        return rest !== undefined && shopUrl ? new URL(rest || '/', shopUrl) : undefined;
      },
    });
    const shop = await startShop(
      productPage({
        cdn: '/store/cdn',
        endpoint: `/store${ENDPOINT_PATH}`,
        garment: '/store/garments/linen-shirt.png',
        title: 'Under /store/',
      }),
    );
    shopUrl = shop.url;
    const publicUrl = `${proxy.origin}/store${ENDPOINT_PATH}`;
    const server = await startNodeServer({
      port: 0,
      env: { TRYON_PROVIDER: 'demo', TRYON_SECRET: SECRET, ...GARMENTS, TRYON_PUBLIC_URL: publicUrl },
      handlerOptions: { basePath: ENDPOINT_PATH, log: (entry) => logs.push(entry as Record<string, unknown>) },
    });
    endpoint = server.url;
    try {
      const run = await shopperTryOn('3-path-prefix', `${proxy.origin}/store/`);
      assert.ok(run.result.startsWith(`${publicUrl}/files/`), `the result is addressed under the prefix: ${run.result}`);
      assert.ok(
        proxy.requests.some((r) => isSubmit(r, `/store${ENDPOINT_PATH}`) && r.target === `${server.url}${ENDPOINT_PATH}/jobs`),
        'the prefix was stripped',
      );
      assert.ok(
        proxy.requests.some((r) => r.url.startsWith('/store/cdn/chunks/')),
        'the widget loaded its chunks under the prefix',
      );
      assert.deepEqual(
        proxy.requests.filter((r) => r.status === 404).map((r) => r.url),
        [],
        'nothing was asked outside the prefix',
      );
      assert.deepEqual(errorsIn(logs), [], 'the endpoint logged no errors');
    } finally {
      await server.close();
      await shop.close();
      await proxy.close();
    }
  });
});

describe("4. through Shopify's app proxy", () => {
  it('/apps/try-on on the shop origin, forwarded with a signed query; tokens bound to the verified shop', BOUNDED, async () => {
    const logs: Record<string, unknown>[] = [];
    let shopUrl: string | undefined;
    let endpoint: string | undefined;
    // As Shopify does: /apps/try-on/{rest} goes to the app URL + {rest}, the shopper's query kept
    // and Shopify's parameters added and signed with the app's secret.
    const signedQuery = async (query: URLSearchParams, shop: string) => {
      const params = new URLSearchParams(query);
      for (const [key, value] of Object.entries({
        shop,
        logged_in_customer_id: '',
        path_prefix: '/apps/try-on',
        timestamp: String(Math.floor(Date.now() / 1000)),
      })) {
        params.set(key, value);
      }
      params.set('signature', await signProxyQuery(params, SHOPIFY_SECRET));
      return params;
    };
    const shopify = await startProxy({
      route: async (req) => {
        const rest = under(req.url ?? '/', '/apps/try-on');
        if (rest === undefined) return shopUrl ? new URL(req.url ?? '/', shopUrl) : undefined;
        if (!endpoint) return undefined;
        const target = new URL(`${ENDPOINT_PATH}${rest}`, endpoint);
        target.search = (await signedQuery(target.searchParams, SHOP)).toString();
        return target;
      },
    });
    const shop = await startShop(
      productPage({ cdn: '/cdn', endpoint: '/apps/try-on', garment: '/garments/linen-shirt.png', title: 'Shopify app proxy' }),
    );
    shopUrl = shop.url;
    const server = await startNodeServer({
      port: 0,
      env: {
        TRYON_PROVIDER: 'demo',
        TRYON_SECRET: SECRET,
        ...GARMENTS,
        TRYON_SHOPIFY_SECRET: SHOPIFY_SECRET,
        TRYON_PUBLIC_URL: `${shopify.origin}/apps/try-on`,
      },
      handlerOptions: { basePath: ENDPOINT_PATH, log: (entry) => logs.push(entry as Record<string, unknown>) },
    });
    endpoint = server.url;
    try {
      const run = await shopperTryOn('4-shopify-app-proxy', `${shopify.origin}/`);
      assert.ok(
        run.result.startsWith(`${shopify.origin}/apps/try-on/files/`),
        `the result is addressed through the app proxy: ${run.result}`,
      );
      const poll = shopify.requests.find((r) => isPoll(r, '/apps/try-on'));
      assert.ok(poll?.target?.includes('signature='), 'the polls were forwarded signed');

      // The job token belongs to the verified shop: unsigned it is refused, and another shop's
      // signed request cannot use it.
      const token = new URL(poll!.url, shopify.origin).pathname.split('/').pop()!;
      const direct = new URL(`${ENDPOINT_PATH}/jobs/${token}`, server.url);
      assert.equal((await fetch(direct)).status, 401, 'unsigned: not through the store');
      direct.search = (await signedQuery(new URLSearchParams(), 'another-shop.myshopify.com')).toString();
      const other = await fetch(direct);
      assert.equal(other.status, 403);
      assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'token_scope_mismatch');
      direct.search = (await signedQuery(new URLSearchParams(), SHOP)).toString();
      assert.equal((await fetch(direct)).status, 200, 'the same shop, signed, may poll');
      assert.deepEqual(errorsIn(logs), [], 'the endpoint logged no errors');
    } finally {
      await server.close();
      await shop.close();
      await shopify.close();
    }
  });
});
