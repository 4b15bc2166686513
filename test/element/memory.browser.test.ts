/// <reference types="mocha" />
/**
 * Consent and the shopper's on-device memory, against the real endpoint (demo provider):
 * nothing read before consent, "Remember my photo" across element instances with photoRef
 * reuse, transparent resend of an expired handle, "Delete my photo", resume of a job in flight,
 * and the history strip.
 */
import { expect } from 'chai';
import { addHistory, forgetEverything, loadHistory, loadRememberedPhoto, rememberPhoto } from '../../src/client/memory.ts';
import { PENDING_KEY, productKey, readPending, writePending } from '../../src/element/pending.ts';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import { engineGap } from '../browser-engine.ts';
import { mount, nextEvent, openPanel, part, pickFile, shopperPhoto, until, untilStatus } from './helpers.ts';

const ENDPOINT = new URL('/api/try-on', document.baseURI).href;

interface SentRequest {
  method: string;
  url: string;
  body: unknown;
}

/**
 * Records every request the page sends (fetch and XMLHttpRequest, which the submit uses for
 * upload progress), with the body as given, so a test can look inside the FormData.
 */
function recordRequests(): { sent: SentRequest[]; restore: () => void } {
  const sent: SentRequest[] = [];
  const originalFetch = window.fetch;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    sent.push({
      method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
      url: new URL(url, document.baseURI).href,
      body: init?.body,
    });
    return originalFetch(input, init);
  };
  const { open, send } = XMLHttpRequest.prototype;
  const opened = new WeakMap<XMLHttpRequest, { method: string; url: string }>();
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    opened.set(this, { method: method.toUpperCase(), url: new URL(String(url), document.baseURI).href });
    return (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const target = opened.get(this);
    if (target) sent.push({ ...target, body });
    return send.call(this, body);
  };
  return {
    sent,
    restore() {
      window.fetch = originalFetch;
      XMLHttpRequest.prototype.open = open;
      XMLHttpRequest.prototype.send = send;
    },
  };
}

const jobSubmits = (sent: SentRequest[]) => sent.filter((r) => r.method === 'POST' && r.url === `${ENDPOINT}/jobs`);

/** Counts every IndexedDB database opened and every transaction started on this page. */
function spyIndexedDb(): { opens: string[]; transactions: number; restore: () => void } {
  const spy = { opens: [] as string[], transactions: 0, restore: () => {} };
  const factory = indexedDB;
  const open = factory.open.bind(factory);
  factory.open = (name: string, version?: number) => {
    spy.opens.push(name);
    return open(name, version);
  };
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    spy.transactions++;
    return transaction.apply(this, args);
  } as IDBDatabase['transaction'];
  spy.restore = () => {
    factory.open = open;
    IDBDatabase.prototype.transaction = transaction;
  };
  return spy;
}

/** Everything in the widget's IndexedDB store, read without the widget's code. */
async function rawEntries(): Promise<[IDBValidKey, unknown][]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('try-on-button');
    request.onupgradeneeded = () => request.result.createObjectStore('kv');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const store = db.transaction('kv', 'readonly').objectStore('kv');
    const [keys, values] = await Promise.all(
      [store.getAllKeys(), store.getAll()].map(
        (r) =>
          new Promise<unknown[]>((resolve, reject) => {
            r.onsuccess = () => resolve(r.result as unknown[]);
            r.onerror = () => reject(r.error);
          }),
      ),
    );
    return keys!.map((key, i) => [key as IDBValidKey, values![i]]);
  } finally {
    db.close();
  }
}

/** Writes one entry into the widget's IndexedDB store without the widget's code. */
async function putRaw(key: IDBValidKey, value: unknown): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('try-on-button');
    request.onupgradeneeded = () => request.result.createObjectStore('kv');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const transaction = db.transaction('kv', 'readwrite');
    transaction.objectStore('kv').put(value, key);
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB put refused'));
    });
  } finally {
    db.close();
  }
}

/** Retries an async check until it passes (IndexedDB writes finish after the events fire). */
async function eventually(check: () => Promise<unknown>, timeoutMs = 5000): Promise<void> {
  const start = performance.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (performance.now() - start > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function consent(el: TryOnButton): Promise<void> {
  part<HTMLInputElement>(el, 'consent-checkbox')!.click();
  await el.updateComplete;
}

/** A processed-looking JPEG for seeding the memory. */
async function jpeg(): Promise<Blob> {
  const canvas = new OffscreenCanvas(600, 800);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#d9d4cb';
  ctx.fillRect(0, 0, 600, 800);
  ctx.fillStyle = '#56606f';
  ctx.fillRect(180, 240, 240, 520);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
}

/** Consents, ticks "Remember", picks the shopper photo and tries it on; resolves with the result. */
async function rememberAndTryOn(el: TryOnButton): Promise<string[]> {
  await openPanel(el);
  await consent(el);
  pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
  await el.updateComplete;
  const remember = part<HTMLInputElement>(el, 'remember-checkbox')!;
  expect(remember.checked, 'remember is opt-in').to.equal(false);
  remember.click();
  await el.updateComplete;
  const completed = nextEvent<{ images: string[] }>(el, 'try-on-complete');
  part<HTMLButtonElement>(el, 'submit')!.click();
  const { images } = await completed;
  await untilStatus(el, 'complete');
  await eventually(async () => expect((await rawEntries()).length).to.equal(2)); // photo and history
  return images;
}

describe('<try-on-button> consent and memory', function () {
  this.timeout(40_000);
  let requests: ReturnType<typeof recordRequests> | undefined;
  let idb: ReturnType<typeof spyIndexedDb> | undefined;

  afterEach(async () => {
    requests?.restore();
    idb?.restore();
    requests = idb = undefined;
    document.body.replaceChildren();
    sessionStorage.clear();
    await forgetEverything();
  });

  it('says what the photo is for, how long it is kept and links the policy; reads nothing before the box is ticked', async () => {
    await rememberPhoto({ blob: await jpeg(), width: 600, height: 800, savedAt: Date.now() });
    idb = spyIndexedDb();
    requests = recordRequests();
    const el = mount({
      merchant: 'Linen & Co',
      'policy-url': 'https://shop.example/privacy',
      retention: 'The try-on service deletes photos within 24 hours.',
    });
    await openPanel(el);
    const checkbox = part<HTMLInputElement>(el, 'consent-checkbox')!;
    expect(checkbox.checked).to.equal(false);
    const details = el.shadowRoot!.getElementById(checkbox.getAttribute('aria-describedby')!)!;
    expect(details.textContent).to.contain('Linen & Co keeps your photo for about an hour, then deletes it.');
    expect(details.textContent).to.contain('The try-on service deletes photos within 24 hours.');
    expect(checkbox.closest('label')!.textContent).to.contain('to create this preview');
    expect(details.querySelector('a')!.href).to.equal('https://shop.example/privacy');

    // Declining: nothing of the device's memory is touched, no saved photo shows, nothing is sent.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(idb.opens, 'IndexedDB opened before consent').to.deep.equal([]);
    expect(idb.transactions, 'IndexedDB read before consent').to.equal(0);
    expect(part(el, 'preview')).to.equal(null);
    expect(part(el, 'remember-checkbox')).to.equal(null);
    // Only the endpoint's check of the product (GET /check, the page's own attributes, no body):
    // nothing of the shopper's.
    const sent = requests.sent.filter((r) => r.url.startsWith(ENDPOINT));
    expect(sent.filter((r) => !(r.method === 'GET' && r.url.startsWith(`${ENDPOINT}/check?`) && r.body === undefined))).to.deep.equal([]);

    await consent(el);
    await until(() => part(el, 'preview') !== null, 5000, 'the saved photo after consent');
    expect(idb.transactions).to.be.greaterThan(0);
    expect(el.shadowRoot!.querySelector('.saved-caption')!.textContent).to.equal('Your saved photo, on this device only');
    expect(part(el, 'submit')!.textContent!.trim()).to.equal('Use this photo');
  });

  it('without a retention attribute, points to the privacy policy for what the provider keeps', async () => {
    const el = mount({ merchant: '' });
    await openPanel(el);
    const details = el.shadowRoot!.getElementById('consent-details')!.textContent!.trim();
    expect(details).to.match(/^This shop keeps your photo for about an hour/);
    expect(details).to.contain('What the try-on service keeps is in the shop’s privacy policy.');
  });

  it('remembers the photo on opt-in; the next product (a new element) offers it and sends photoRef, not the photo', async () => {
    requests = recordRequests();
    const first = mount({ product: 'shirt-a' });
    const images = await rememberAndTryOn(first);
    const [firstSubmit] = jobSubmits(requests.sent);
    expect((firstSubmit!.body as FormData).has('photo')).to.equal(true);

    const saved = await loadRememberedPhoto();
    expect(saved, 'photo saved on the device').to.not.equal(undefined);
    expect(saved!.blob.type).to.equal('image/jpeg');
    expect(saved!.photoRef).to.be.a('string').and.not.equal('');
    expect((await loadHistory(productKey('shirt-a', undefined))).map((e) => e.image)).to.deep.equal([images[0]]);
    first.remove();

    // Another product page: a new element instance.
    requests.sent.length = 0;
    const second = mount({ product: 'dress-b', category: 'dress' });
    await openPanel(second);
    await consent(second);
    await until(() => part(second, 'preview') !== null, 5000, 'the saved photo');
    expect(part<HTMLImageElement>(second, 'preview')!.src).to.match(/^blob:/);
    expect(part(second, 'remember-checkbox'), 'already remembering').to.equal(null);
    expect(part(second, 'forget')!.textContent).to.contain('Delete my photo');
    const completed = nextEvent<{ images: string[] }>(second, 'try-on-complete');
    part<HTMLButtonElement>(second, 'submit')!.click();
    await completed;
    await untilStatus(second, 'complete');

    const submits = jobSubmits(requests.sent);
    expect(submits).to.have.length(1);
    const form = submits[0]!.body as FormData;
    expect(form.get('photoRef')).to.equal(saved!.photoRef);
    expect(form.has('photo'), 'the photo is not uploaded again').to.equal(false);
    expect(form.get('product')).to.equal('dress-b');
  });

  it('resends the stored photo transparently when the endpoint no longer knows the handle, and keeps the new handle', async () => {
    await rememberAndTryOn(mount({ product: 'shirt-a' }));
    const old = (await loadRememberedPhoto())!.photoRef!;
    document.body.replaceChildren();
    // The endpoint forgets it (as after its hour): its own DELETE route.
    expect((await fetch(`${ENDPOINT}/photos/${encodeURIComponent(old)}`, { method: 'DELETE' })).status).to.equal(204);

    requests = recordRequests();
    const el = mount({ product: 'dress-b' });
    const errors: unknown[] = [];
    el.addEventListener('try-on-error', (e) => errors.push(e.detail));
    await openPanel(el);
    await consent(el);
    await until(() => part(el, 'preview') !== null, 5000, 'the saved photo');
    const completed = nextEvent<{ images: string[] }>(el, 'try-on-complete');
    part<HTMLButtonElement>(el, 'submit')!.click();
    await completed;
    expect(errors, 'the shopper never sees the expired handle').to.deep.equal([]);

    const submits = jobSubmits(requests.sent).map((r) => r.body as FormData);
    expect(submits).to.have.length(2);
    expect(submits[0]!.get('photoRef')).to.equal(old);
    expect(submits[0]!.has('photo')).to.equal(false);
    expect(submits[1]!.has('photoRef')).to.equal(false);
    expect((submits[1]!.get('photo') as Blob).size).to.equal((await loadRememberedPhoto())!.blob.size);
    await eventually(async () =>
      expect((await loadRememberedPhoto())!.photoRef)
        .to.be.a('string')
        .and.not.equal(old),
    );
  });

  it('"Delete my photo" empties the device store and asks the endpoint to drop its copy', async () => {
    await rememberAndTryOn(mount({ product: 'shirt-a' }));
    const ref = (await loadRememberedPhoto())!.photoRef!;
    writePending({
      endpoint: ENDPOINT,
      key: 'product:other',
      job: 'x.y',
      pollAfterMs: 1000,
      category: 'top',
      consent: '2026-11',
      startedAt: Date.now(),
    });
    expect((await rawEntries()).length).to.be.at.least(2);
    document.body.replaceChildren();

    requests = recordRequests();
    const el = mount({ product: 'shirt-a' });
    await openPanel(el);
    await consent(el);
    await until(() => part(el, 'forget') !== null, 5000, 'the delete control');
    expect(part(el, 'history')).to.not.equal(null);
    part<HTMLButtonElement>(el, 'forget')!.click();
    await until(() => part(el, 'preview') === null, 5000, 'the saved photo to go');

    expect(await rawEntries(), 'IndexedDB store empty').to.deep.equal([]);
    expect(sessionStorage.getItem(PENDING_KEY), 'pending jobs dropped too').to.equal(null);
    expect(part(el, 'history')).to.equal(null);
    expect(part(el, 'forget')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('deleted');
    expect(el.shadowRoot!.querySelector('.memory-notice')!.textContent).to.equal('Your photo and earlier try-ons were deleted.');
    const deletes = requests.sent.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.url)).to.deep.equal([`${ENDPOINT}/photos/${encodeURIComponent(ref)}`]);

    // The endpoint no longer has it: a submit by that handle is refused.
    const form = new FormData();
    form.set('photoRef', ref);
    form.set('garment', new URL('/test/element/fixtures/garment.png', document.baseURI).href);
    form.set('category', 'top');
    form.set('consent', '2026-11');
    const answer = await fetch(`${ENDPOINT}/jobs`, { method: 'POST', body: form });
    expect(answer.status).to.equal(400);
    expect(((await answer.json()) as { error: { code: string } }).error.code).to.equal('photo_ref_invalid');
  });

  it('a job in flight survives re-creating the element: the button shows a badge, reopening shows progress then the result', async () => {
    const el = mount({ product: 'shirt-r' });
    await openPanel(el);
    await consent(el);
    pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
    await el.updateComplete;
    part<HTMLButtonElement>(el, 'submit')!.click();
    await until(() => readPending(ENDPOINT, productKey('shirt-r', undefined)) !== undefined, 10_000, 'the pending marker');
    const marker = readPending(ENDPOINT, productKey('shirt-r', undefined))!;
    expect(marker.consent).to.equal('2026-11');
    expect(JSON.stringify(marker), 'no photo in the marker').to.not.contain('blob:');
    el.remove(); // a reload or a move to another page

    const again = mount({ product: 'shirt-r' });
    await until(() => part(again, 'badge') !== null, 5000, 'the badge');
    expect(part(again, 'badge')!.textContent).to.equal('In progress');
    expect(part(again, 'panel'), 'panel not loaded by the badge').to.equal(null);
    const statuses: string[] = [];
    again.addEventListener('try-on-progress', (e) => statuses.push(e.detail.status));
    const completed = nextEvent<{ images: string[] }>(again, 'try-on-complete');
    await openPanel(again);
    expect(again.getAttribute('status')).to.equal('processing');
    expect(part(again, 'progress')).to.not.equal(null);
    expect(part(again, 'badge'), 'no badge while open').to.equal(null);
    const { images } = await completed;
    await untilStatus(again, 'complete');
    expect(part<HTMLImageElement>(again, 'result-image')!.src).to.equal(images[0]);
    expect(statuses).to.include('completed');
    expect(readPending(ENDPOINT, productKey('shirt-r', undefined)), 'seen: dropped').to.equal(undefined);
    again.close();
    await again.updateComplete;
    expect(part(again, 'badge')).to.equal(null);
  });

  it('a finished job left behind shows "Ready" and opens on its result; an expired marker is ignored', async () => {
    const el = mount({ product: 'shirt-s' });
    await openPanel(el);
    await consent(el);
    pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
    await el.updateComplete;
    part<HTMLButtonElement>(el, 'submit')!.click();
    await until(() => readPending(ENDPOINT, productKey('shirt-s', undefined)) !== undefined, 10_000, 'the pending marker');
    el.close(); // closing keeps the job for later
    await new Promise((resolve) => setTimeout(resolve, 4200)); // the demo job completes after 3.5 s
    el.remove();

    const again = mount({ product: 'shirt-s' });
    await until(() => part(again, 'badge')?.textContent === 'Ready', 5000, 'the Ready badge');
    await openPanel(again);
    await untilStatus(again, 'complete', 5000);

    // A marker older than 24 hours is not offered.
    writePending({
      endpoint: ENDPOINT,
      key: productKey('old', undefined),
      job: 'x.y',
      pollAfterMs: 1000,
      category: 'top',
      consent: '2026-11',
      startedAt: Date.now() - 25 * 3600_000,
    });
    expect(readPending(ENDPOINT, productKey('old', undefined))).to.equal(undefined);
    const old = mount({ product: 'old' });
    await old.updateComplete;
    expect(part(old, 'badge')).to.equal(null);
  });

  it("the badge speaks the page's language before the panel's strings load, as the label does", async () => {
    const el = mount({ product: 'hemd', lang: 'de' });
    await openPanel(el);
    await consent(el);
    pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
    await el.updateComplete;
    part<HTMLButtonElement>(el, 'submit')!.click();
    await until(() => readPending(ENDPOINT, productKey('hemd', undefined)) !== undefined, 10_000, 'the pending marker');
    el.close();
    el.remove();

    // A German page re-created, the panel not opened: its strings were never asked for.
    const again = mount({ product: 'hemd', lang: 'de' });
    await until(() => part(again, 'badge') !== null, 5000, 'the badge');
    expect(part(again, 'badge')!.textContent).to.equal('Läuft');
    expect(part(again, 'button')!.textContent).to.contain('Anprobieren');
    expect(again._panel, 'the panel was not created').to.equal(undefined);
    again.remove();

    await new Promise((resolve) => setTimeout(resolve, 4200)); // the demo job completes after 3.5 s
    const done = mount({ product: 'hemd', lang: 'de' });
    await until(() => part(done, 'badge')?.textContent === 'Fertig', 5000, 'the Fertig badge');
    done.remove();
  });

  it('cancel forgets the job: nothing to resume', async () => {
    const el = mount({ product: 'shirt-c' });
    await openPanel(el);
    await consent(el);
    pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
    await el.updateComplete;
    part<HTMLButtonElement>(el, 'submit')!.click();
    await until(() => readPending(ENDPOINT, productKey('shirt-c', undefined)) !== undefined, 10_000, 'the pending marker');
    part<HTMLButtonElement>(el, 'cancel')!.click();
    expect(readPending(ENDPOINT, productKey('shirt-c', undefined))).to.equal(undefined);
  });

  it('shows earlier results of this product, removes broken ones and deletes one on request', async () => {
    const images = await rememberAndTryOn(mount({ product: 'shirt-h' }));
    const key = productKey('shirt-h', undefined);
    await addHistory(key, { image: `${ENDPOINT}/files/expired-result`, date: Date.now() });
    expect((await loadHistory(key)).length).to.equal(2);
    document.body.replaceChildren();

    const el = mount({ product: 'shirt-h' });
    await openPanel(el);
    expect(part(el, 'history'), 'not before consent').to.equal(null);
    await consent(el);
    await until(() => part(el, 'history') !== null, 5000, 'the history strip');
    // The expired one fails to load and goes, on screen and on the device.
    await until(() => el.shadowRoot!.querySelectorAll('[part="history-item"]').length === 1, 5000, 'the broken entry to go');
    await eventually(async () => expect((await loadHistory(key)).map((e) => e.image)).to.deep.equal([images[0]]));
    const item = part(el, 'history-item')!;
    expect(item.querySelector('a')!.href).to.equal(images[0]);
    const remove = part<HTMLButtonElement>(el, 'history-delete')!;
    expect(remove.getAttribute('aria-label')).to.match(/^Delete your try-on from /);
    remove.click();
    await until(() => part(el, 'history') === null, 5000, 'the strip to go');
    await eventually(async () => expect(await loadHistory(key)).to.deep.equal([]));
    // Other products' memory is untouched: the photo stays.
    expect(await loadRememberedPhoto()).to.not.equal(undefined);
  });

  it('keeps nothing on the device without the opt-in', async () => {
    const el = mount({ product: 'shirt-n' });
    await openPanel(el);
    await consent(el);
    pickFile(part<HTMLInputElement>(el, 'file-input')!, await shopperPhoto());
    await el.updateComplete;
    const completed = nextEvent(el, 'try-on-complete');
    part<HTMLButtonElement>(el, 'submit')!.click();
    await completed;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await rawEntries()).to.deep.equal([]);
  });

  it('stores the photo as bytes, which every engine keeps (WebKit refuses a Blob in IndexedDB in a private session)', async () => {
    const blob = await jpeg();
    await rememberPhoto({ blob, width: 600, height: 800, photoRef: 'ref-1', savedAt: Date.now() });
    const stored = (await rawEntries()).find(([key]) => key === 'photo')?.[1] as Record<string, unknown> | undefined;
    expect(stored, 'the photo entry').to.not.equal(undefined);
    expect(stored!.bytes).to.be.instanceOf(ArrayBuffer);
    expect(stored).to.not.have.property('blob');
    const back = (await loadRememberedPhoto())!;
    expect([back.blob.type, back.blob.size, back.width, back.height, back.photoRef]).to.deep.equal([
      'image/jpeg',
      blob.size,
      600,
      800,
      'ref-1',
    ]);
    expect(new Uint8Array(await back.blob.arrayBuffer())).to.deep.equal(new Uint8Array(await blob.arrayBuffer()));
  });

  it('still offers a photo an earlier version saved as a Blob', async function () {
    await engineGap(this, 'idb-refuses-blobs');
    const blob = await jpeg();
    await putRaw('photo', { blob, width: 600, height: 800, photoRef: 'ref-old', savedAt: Date.now() });
    const back = (await loadRememberedPhoto())!;
    expect([back.blob.size, back.photoRef]).to.deep.equal([blob.size, 'ref-old']);
  });
});
