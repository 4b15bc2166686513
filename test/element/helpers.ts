/** Shared helpers of the element's browser tests (real Chromium, real endpoint). */
import '../../src/element/define.ts';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import type { TryOnStatus } from '../../src/element/machine.ts';

export const GARMENT = '/test/element/fixtures/garment.png';

/** Adds a <try-on-button> to the page with the given attributes. */
export function mount(attributes: Record<string, string> = {}): TryOnButton {
  const el = document.createElement('try-on-button');
  const all = { endpoint: '/api/try-on', garment: GARMENT, category: 'top', product: 'test-shirt', merchant: 'Test Shop', ...attributes };
  for (const [name, value] of Object.entries(all)) el.setAttribute(name, value);
  document.body.append(el);
  return el;
}

/** The element's shadow part by name (null when not rendered). */
export function part<T extends Element = HTMLElement>(el: TryOnButton, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

/** Resolves when `predicate` holds (it may ask the server), polling every 20 ms; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = performance.now();
  while (!(await predicate())) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function untilStatus(el: TryOnButton, status: TryOnStatus, timeoutMs = 10_000): Promise<void> {
  return until(() => el.getAttribute('status') === status, timeoutMs, `status="${status}" (now "${el.getAttribute('status')}")`);
}

/** Resolves with the detail of the next `name` event from `el`. */
export function nextEvent<T>(el: EventTarget, name: string): Promise<T> {
  return new Promise((resolve) => el.addEventListener(name, (e) => resolve((e as CustomEvent<T>).detail), { once: true }));
}

/** The shopper photo fixture as a File, as a file picker would hand it over. */
export async function shopperPhoto(): Promise<File> {
  const response = await fetch('/test/element/fixtures/shopper.png');
  return new File([await response.blob()], 'me.png', { type: 'image/png' });
}

/** Does what the browser does when the shopper picks `file` in the picker. */
export function pickFile(input: HTMLInputElement, file: File): void {
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Opens the panel by clicking the button, and waits for it to render. */
export async function openPanel(el: TryOnButton): Promise<HTMLElement> {
  await el.updateComplete;
  part<HTMLButtonElement>(el, 'button')!.click();
  await until(() => part(el, 'panel') !== null, 10_000, 'the panel');
  await el.updateComplete;
  return part<HTMLElement>(el, 'panel')!;
}

/** Opens, consents, picks the shopper photo, and clicks submit. */
export async function submitPhoto(el: TryOnButton, photo?: File): Promise<void> {
  await openPanel(el);
  await consentAndSubmit(el, photo);
}

/** In the open panel: consents, picks the shopper photo, and clicks submit. */
export async function consentAndSubmit(el: TryOnButton, photo?: File): Promise<void> {
  part<HTMLInputElement>(el, 'consent-checkbox')!.click();
  await el.updateComplete;
  pickFile(part<HTMLInputElement>(el, 'file-input')!, photo ?? (await shopperPhoto()));
  await el.updateComplete;
  part<HTMLButtonElement>(el, 'submit')!.click();
}

/** Waits for the panel's entrance animation, so measured boxes are the resting ones. */
export async function settled(panel: HTMLElement): Promise<void> {
  await Promise.all(panel.getAnimations().map((animation) => animation.finished));
}

/** A portrait photo drawn on a canvas (a figure on a wall), as a phone would produce it. */
export async function drawnPhoto(width = 900, height = 1200): Promise<File> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#e6e2da';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#e0b496';
  ctx.beginPath();
  ctx.arc(width / 2, height * 0.16, width * 0.12, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#5a6070';
  ctx.fillRect(width * 0.28, height * 0.3, width * 0.44, height * 0.66);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  return new File([blob], 'me.jpg', { type: 'image/jpeg' });
}

/** Holds every status poll until released: the processing view stays on screen while keys are pressed. */
export function holdPolls(): () => void {
  const original = window.fetch;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  window.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (/\/jobs\/[^/?]+/.test(url) && (init?.method ?? 'GET') === 'GET') {
      await new Promise<void>((resolve, reject) => {
        void released.then(resolve);
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true });
      });
    }
    return original(input, init);
  };
  return () => {
    window.fetch = original;
    release();
  };
}

/** Collects what the element says with console.warn while a test runs (each call's arguments joined). */
export function watchWarnings(): { lines: string[]; stop: () => void } {
  const lines: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  return { lines, stop: () => (console.warn = original) };
}
