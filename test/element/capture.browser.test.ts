/// <reference types="mocha" />
import { expect } from 'chai';
import type { TryOnButton } from '../../src/element/try-on-button.ts';
import { resetGuidance } from '../../src/element/photo-sources.ts';
import { engineGap, HEIC_FIXTURE } from '../browser-engine.ts';
import { drawnPhoto, mount, nextEvent, openPanel, part, pickFile, until, untilStatus } from './helpers.ts';

const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
const realEnumerate = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);

function restoreMedia(): void {
  navigator.mediaDevices.getUserMedia = realGetUserMedia;
  navigator.mediaDevices.enumerateDevices = realEnumerate;
}

async function openConsented(attributes: Record<string, string> = {}): Promise<TryOnButton> {
  const el = mount(attributes);
  await openPanel(el);
  part<HTMLInputElement>(el, 'consent-checkbox')!.click();
  await el.updateComplete;
  return el;
}

function video(el: TryOnButton): HTMLVideoElement {
  const found = part(el, 'camera')?.querySelector('video');
  if (!found) throw new Error('no camera video');
  return found;
}

async function startCamera(el: TryOnButton): Promise<HTMLVideoElement> {
  part<HTMLButtonElement>(el, 'take-photo')!.click();
  return cameraLive(el);
}

async function cameraLive(el: TryOnButton): Promise<HTMLVideoElement> {
  await until(() => part<HTMLButtonElement>(el, 'capture')?.disabled === false, 10_000, 'the live camera');
  const v = video(el);
  await until(() => v.readyState >= 2 && v.videoWidth > 0, 10_000, 'camera frames');
  return v;
}

/**
 * Box blur of radius `r` along rows then columns, three times: close to a Gaussian of
 * σ ≈ r. Done on the pixels rather than with `ctx.filter`, which WebKit's canvas ignores, or a
 * down-and-up scale, which Gecko aliases: every engine gets the same soft photo.
 */
function blurPixels(image: ImageData, r: number): void {
  const { width, height, data } = image;
  const line = new Float32Array(Math.max(width, height) * 4);
  const pass = (count: number, length: number, index: (line: number, i: number) => number) => {
    for (let l = 0; l < count; l++) {
      for (let i = 0; i < length; i++) for (let c = 0; c < 4; c++) line[i * 4 + c] = data[index(l, i) + c]!;
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let i = -r; i <= r; i++) sum += line[Math.min(length - 1, Math.max(0, i)) * 4 + c]!;
        for (let i = 0; i < length; i++) {
          data[index(l, i) + c] = sum / (2 * r + 1);
          sum += line[Math.min(length - 1, i + r + 1) * 4 + c]! - line[Math.max(0, i - r) * 4 + c]!;
        }
      }
    }
  };
  for (let k = 0; k < 3; k++) {
    pass(height, width, (y, x) => (y * width + x) * 4);
    pass(width, height, (x, y) => (y * width + x) * 4);
  }
}

/** A photo drawn on a canvas: a figure on a wall, with options to spoil it the way phones do. */
async function photo(options: { width?: number; height?: number; wall?: string; figure?: string; blur?: number } = {}): Promise<File> {
  const { width = 900, height = 1200, wall = '#d9d4cb', figure = '#3c4656', blur = 0 } = options;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = wall;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = figure;
  ctx.beginPath();
  ctx.arc(width / 2, height * 0.16, Math.min(width, height) * 0.1, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillRect(width * 0.32, height * 0.3, width * 0.36, height * 0.65);
  for (let y = height * 0.32; y < height * 0.6; y += 14) {
    ctx.fillStyle = wall;
    ctx.fillRect(width * 0.32, y, width * 0.36, 5);
  }
  if (blur) {
    const image = ctx.getImageData(0, 0, width, height);
    blurPixels(image, blur);
    ctx.putImageData(image, 0, 0);
  }
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
  return new File([blob], 'me.jpg', { type: 'image/jpeg' });
}

/**
 * A paste carrying `transfer`, as the page sees a real one. Gecko's ClipboardEvent constructor
 * ignores `clipboardData` in its init (the event gets an empty DataTransfer of its own), so there
 * the transfer is set on the event itself; Chromium and WebKit take it from the init.
 */
function pasteEvent(transfer: DataTransfer): ClipboardEvent {
  const event = new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true });
  if (event.clipboardData !== transfer) Object.defineProperty(event, 'clipboardData', { value: transfer });
  return event;
}

/** The check codes the panel shows for a picked photo, once the worker has answered. */
async function checksFor(el: TryOnButton, file: File): Promise<string[]> {
  pickFile(part<HTMLInputElement>(el, 'file-input')!, file);
  await el.updateComplete;
  // The announcement leaves "Checking your photo…" once the worker has answered.
  await until(() => !el.shadowRoot!.querySelector('[role="status"][aria-live]')!.textContent!.includes('Checking'), 10_000, 'the checks');
  await el.updateComplete;
  return Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>('[part="photo-checks"] li')).map((li) => li.dataset.check!);
}

describe("capture: live camera (each engine's fake device)", function () {
  this.timeout(30_000);
  beforeEach(() => localStorage.setItem('try-on-button:guidance-seen', '1'));
  afterEach(() => {
    restoreMedia();
    document.body.replaceChildren();
  });

  it('asks for the front camera, plays a mirrored preview and captures an unmirrored photo of the stream size', async () => {
    const asked: MediaStreamConstraints[] = [];
    navigator.mediaDevices.getUserMedia = (constraints) => {
      asked.push(constraints!);
      return realGetUserMedia(constraints);
    };
    const el = await openConsented();
    const v = await startCamera(el);
    expect((asked[0]!.video as MediaTrackConstraints).facingMode).to.equal('user');
    // Frames can be there (readyState 2) a moment before autoplay starts (it waits for readyState 4):
    // asserting `paused` at once failed now and then in Chromium on a loaded machine.
    await until(() => !v.paused, 5000, 'the preview to play by itself (autoplay)');
    const t0 = v.currentTime;
    await until(() => v.currentTime > t0, 5000, 'the preview to advance');
    const { videoWidth, videoHeight } = v;
    const track = (v.srcObject as MediaStream).getVideoTracks()[0]!;
    // A front (or unknown) camera is mirrored like a mirror, a rear one is not. Chromium's and
    // WebKit's fake devices do not say they face away; Firefox's says 'environment'.
    const rear = track.getSettings().facingMode === 'environment';
    expect(getComputedStyle(v).transform, `facingMode ${track.getSettings().facingMode}`).to.equal(
      rear ? 'none' : 'matrix(-1, 0, 0, 1, 0, 0)',
    );

    const photoEvent = nextEvent<{ type: string; size: number }>(el, 'try-on-photo');
    part<HTMLButtonElement>(el, 'capture')!.click();
    expect((await photoEvent).type).to.equal('image/jpeg');
    await el.updateComplete;
    // Capturing stops the camera: the light goes off while the shopper looks at the photo.
    expect(track.readyState).to.equal('ended');
    expect(part(el, 'camera')).to.equal(null);
    expect(part(el, 'retake')).to.not.equal(null);
    const preview = part<HTMLImageElement>(el, 'preview')!;
    await preview.decode();
    // Full resolution, upright: the captured frame has the stream's own size and orientation.
    expect([preview.naturalWidth, preview.naturalHeight]).to.deep.equal([videoWidth, videoHeight]);
  });

  it('the captured photo is not mirrored, while the preview is (a stream with red on its left)', async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const ctx = canvas.getContext('2d')!;
    const paint = () => {
      ctx.fillStyle = '#e00000';
      ctx.fillRect(0, 0, 320, 480);
      ctx.fillStyle = '#0000e0';
      ctx.fillRect(320, 0, 320, 480);
    };
    paint();
    const timer = setInterval(paint, 30);
    navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(30);
    try {
      const el = await openConsented();
      const v = await startCamera(el);
      expect(v.classList.contains('mirrored')).to.equal(true);
      // A canvas stream's first frames can be blank on a loaded machine: capture once the video
      // shows the painted frame, so this test judges mirroring, not how soon the fake stream paints.
      const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
      probe.canvas.width = 640;
      probe.canvas.height = 480;
      await until(
        () => {
          probe.drawImage(v, 0, 0, 640, 480);
          return probe.getImageData(40, 240, 1, 1).data[0]! > 180;
        },
        10_000,
        'the painted frame in the video',
      );
      part<HTMLButtonElement>(el, 'capture')!.click();
      await until(() => part(el, 'preview') !== null, 5000, 'the preview');
      const img = part<HTMLImageElement>(el, 'preview')!;
      await img.decode();
      const check = document.createElement('canvas');
      check.width = img.naturalWidth;
      check.height = img.naturalHeight;
      const c = check.getContext('2d')!;
      c.drawImage(img, 0, 0);
      const [lr, , lb] = c.getImageData(40, 240, 1, 1).data;
      const [rr, , rb] = c.getImageData(600, 240, 1, 1).data;
      expect(lr, 'left is red').to.be.greaterThan(180);
      expect(lb).to.be.lessThan(60);
      expect(rb, 'right is blue').to.be.greaterThan(180);
      expect(rr).to.be.lessThan(60);
    } finally {
      clearInterval(timer);
    }
  });

  it('stops the tracks when the panel closes, on Back, on retake and when the page hides', async () => {
    const el = await openConsented();
    let v = await startCamera(el);
    let track = (v.srcObject as MediaStream).getVideoTracks()[0]!;
    expect(track.readyState).to.equal('live');
    part<HTMLButtonElement>(el, 'camera-back')!.click();
    await el.updateComplete;
    expect(track.readyState, 'after Back').to.equal('ended');
    expect(part(el, 'choose')).to.not.equal(null);

    v = await startCamera(el);
    track = (v.srcObject as MediaStream).getVideoTracks()[0]!;
    document.dispatchEvent(new Event('visibilitychange')); // still visible: nothing happens
    expect(track.readyState).to.equal('live');
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    expect(track.readyState, 'after pagehide').to.equal('ended');
    await el.updateComplete;

    v = await startCamera(el);
    part<HTMLButtonElement>(el, 'capture')!.click();
    await until(() => part(el, 'retake') !== null, 5000, 'retake');
    part<HTMLButtonElement>(el, 'retake')!.click();
    v = await cameraLive(el);
    track = (v.srcObject as MediaStream).getVideoTracks()[0]!;
    expect(track.readyState, 'retake opens the camera again').to.equal('live');

    el.close();
    expect(track.readyState, 'after close').to.equal('ended');
  });

  it('shows the switch button only with two or more cameras, and switching changes the device', async () => {
    const cameras = (await realEnumerate()).filter((d) => d.kind === 'videoinput');
    let el = await openConsented();
    await startCamera(el);
    expect(part(el, 'switch-camera') !== null, `switch with ${cameras.length} camera(s)`).to.equal(cameras.length > 1);
    el.close();
    document.body.replaceChildren();

    // Two video inputs (the second is the fake device again under another label).
    navigator.mediaDevices.enumerateDevices = async () => {
      const real = (await realEnumerate()).filter((d) => d.kind === 'videoinput');
      const first = real[0]!;
      const twin = {
        deviceId: first.deviceId,
        groupId: 'g2',
        kind: 'videoinput',
        label: 'Back camera',
        toJSON: () => ({}),
      } as MediaDeviceInfo;
      return [first, twin];
    };
    const asked: MediaStreamConstraints[] = [];
    navigator.mediaDevices.getUserMedia = (constraints) => {
      asked.push(constraints!);
      return realGetUserMedia(constraints);
    };
    el = await openConsented();
    const v = await startCamera(el);
    const before = (v.srcObject as MediaStream).getVideoTracks()[0]!;
    // Read now: Firefox answers {} for the settings of a track once it has ended.
    const firstDevice = before.getSettings().deviceId;
    const switchButton = part<HTMLButtonElement>(el, 'switch-camera')!;
    expect(switchButton.getAttribute('aria-label')).to.equal('Switch camera');
    switchButton.click();
    await until(() => asked.length === 2 && part<HTMLButtonElement>(el, 'capture')?.disabled === false, 10_000, 'the switched camera');
    expect((asked[1]!.video as MediaTrackConstraints).deviceId).to.deep.equal({ exact: firstDevice });
    expect(before.readyState, 'the first camera was released').to.equal('ended');
  });

  for (const [name, reason, words] of [
    ['NotAllowedError', 'denied', 'blocked'],
    ['NotFoundError', 'none', 'No camera'],
    ['NotReadableError', 'in_use', 'Another app'],
  ] as const) {
    it(`${name} → back to the picker with a message saying why (${reason})`, async () => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('test', name));
      const el = await openConsented();
      part<HTMLButtonElement>(el, 'take-photo')!.click();
      await until(() => part(el, 'camera-message') !== null, 5000, 'the camera message');
      const message = part(el, 'camera-message')!;
      expect(message.dataset.reason).to.equal(reason);
      expect(message.textContent).to.contain(words);
      expect(message.textContent!.toLowerCase()).to.contain('choose a photo');
      expect(part(el, 'camera')).to.equal(null);
      expect(part<HTMLButtonElement>(el, 'choose')!.disabled).to.equal(false);
      expect(el.getAttribute('status')).to.equal('capture');
    });
  }
});

describe('capture: drag and drop, paste', function () {
  this.timeout(30_000);
  beforeEach(() => localStorage.setItem('try-on-button:guidance-seen', '1'));
  afterEach(() => document.body.replaceChildren());

  it('shows a drop target while a file is dragged over the panel and takes the dropped photo', async () => {
    const el = await openConsented();
    const panel = part(el, 'panel')!;
    const file = await drawnPhoto();
    const transfer = new DataTransfer();
    transfer.items.add(file);
    panel.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true }));
    const over = new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true });
    panel.dispatchEvent(over);
    expect(over.defaultPrevented, 'the panel accepts the drop').to.equal(true);
    await el.updateComplete;
    const target = part(el, 'drop-target')!;
    expect(target.textContent).to.contain('Drop your photo here');
    expect(getComputedStyle(target).display).to.not.equal('none');

    const photoEvent = nextEvent<{ type: string }>(el, 'try-on-photo');
    panel.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true }));
    expect((await photoEvent).type).to.equal('image/jpeg');
    await el.updateComplete;
    expect(part(el, 'drop-target')).to.equal(null);
    expect(part(el, 'preview')).to.not.equal(null);
    expect(part(el, 'change-photo')).to.not.equal(null);
  });

  it('dragging out again hides the drop target', async () => {
    const el = await openConsented();
    const panel = part(el, 'panel')!;
    const transfer = new DataTransfer();
    transfer.items.add(await drawnPhoto());
    panel.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true }));
    await el.updateComplete;
    expect(part(el, 'drop-target')).to.not.equal(null);
    panel.dispatchEvent(new DragEvent('dragleave', { dataTransfer: transfer, bubbles: true, composed: true }));
    await el.updateComplete;
    expect(part(el, 'drop-target')).to.equal(null);
  });

  it('pastes an image (Ctrl/Cmd+V) while the panel is open, and leaves text pastes alone', async () => {
    const el = await openConsented();
    const text = new DataTransfer();
    text.setData('text/plain', 'hello');
    const textPaste = pasteEvent(text);
    document.dispatchEvent(textPaste);
    expect(textPaste.defaultPrevented).to.equal(false);

    const transfer = new DataTransfer();
    transfer.items.add(await drawnPhoto());
    const photoEvent = nextEvent<{ type: string }>(el, 'try-on-photo');
    const paste = pasteEvent(transfer);
    document.dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(true);
    expect((await photoEvent).type).to.equal('image/jpeg');
    await el.updateComplete;
    expect(part(el, 'preview')).to.not.equal(null);
  });

  it('a pasted photo is ignored before consent', async () => {
    const el = mount();
    await openPanel(el);
    let photos = 0;
    el.addEventListener('try-on-photo', () => photos++);
    const transfer = new DataTransfer();
    transfer.items.add(await drawnPhoto());
    document.dispatchEvent(pasteEvent(transfer));
    await el.updateComplete;
    expect(photos).to.equal(0);
    expect(part(el, 'preview')).to.equal(null);
  });
});

describe('capture: guidance before the first photo', function () {
  this.timeout(30_000);
  afterEach(() => document.body.replaceChildren());

  it('is shown once per device, framed for the category, and skippable', async () => {
    resetGuidance();
    let el = await openConsented({ category: 'dress' });
    const guidance = part(el, 'guidance')!;
    expect(guidance).to.not.equal(null);
    expect(guidance.querySelectorAll('li svg').length).to.equal(4);
    expect(guidance.textContent).to.contain('head to feet');
    expect(guidance.textContent).to.contain('plain background');
    // The picker stays usable under the tips.
    expect(part<HTMLButtonElement>(el, 'choose')!.disabled).to.equal(false);
    part<HTMLButtonElement>(el, 'guidance-done')!.click();
    await el.updateComplete;
    expect(part(el, 'guidance')).to.equal(null);
    el.close();
    document.body.replaceChildren();

    el = await openConsented({ category: 'dress' });
    expect(part(el, 'guidance'), 'not again on this device').to.equal(null);
  });

  it('frames tops head to knees, and choosing a photo counts as having seen it', async () => {
    resetGuidance();
    const el = await openConsented({ category: 'top' });
    expect(part(el, 'guidance')!.textContent).to.contain('head to knees');
    pickFile(part<HTMLInputElement>(el, 'file-input')!, await drawnPhoto());
    await el.updateComplete;
    expect(part(el, 'guidance')).to.equal(null);
    expect(localStorage.getItem('try-on-button:guidance-seen')).to.equal('1');
  });
});

describe('capture: on-device checks before any credit is spent', function () {
  this.timeout(40_000);
  beforeEach(() => localStorage.setItem('try-on-button:guidance-seen', '1'));
  afterEach(() => document.body.replaceChildren());

  it('a good photo has no hints and the button reads "Try it on"', async () => {
    const el = await openConsented();
    expect(await checksFor(el, await photo())).to.deep.equal([]);
    expect(part(el, 'submit')!.textContent!.trim()).to.equal('Try it on');
  });

  const cases: [string, () => Promise<File>, string, string][] = [
    ['dark', () => photo({ wall: '#1c1a18', figure: '#0c0d10' }), 'too_dark', 'light'],
    ['bright', () => photo({ wall: '#ffffff', figure: '#f4f4f4' }), 'too_bright', 'sunlight'],
    ['blurry', () => photo({ blur: 9 }), 'blurry', 'steady'],
    ['small', () => photo({ width: 300, height: 400 }), 'too_small', 'larger photo'],
    ['landscape', () => photo({ width: 1600, height: 1200 }), 'landscape', 'upright'],
  ];
  for (const [name, make, code, words] of cases) {
    it(`${name}: shows the ${code} hint and offers "Use anyway"`, async () => {
      const el = await openConsented();
      const found = await checksFor(el, await make());
      expect(found).to.deep.equal([code]);
      const hint = el.shadowRoot!.querySelector(`[part="photo-checks"] [data-check="${code}"]`)!;
      expect(hint.textContent).to.contain(words);
      expect(part(el, 'submit')!.textContent!.trim()).to.equal('Use anyway');
      expect(el.getAttribute('status')).to.equal('capture');
    });
  }

  it('"Use anyway" goes on: the job runs and completes with the flagged photo', async () => {
    const el = await openConsented();
    expect(await checksFor(el, await photo({ wall: '#1c1a18', figure: '#0c0d10' }))).to.deep.equal(['too_dark']);
    const completed = nextEvent<{ images: string[] }>(el, 'try-on-complete');
    part<HTMLButtonElement>(el, 'submit')!.click();
    expect((await completed).images.length).to.be.greaterThan(0);
    await untilStatus(el, 'complete');
  });

  it('accessories expect no portrait: a landscape photo is fine', async () => {
    const el = await openConsented({ category: 'accessory' });
    expect(await checksFor(el, await photo({ width: 1600, height: 1200 }))).to.deep.equal([]);
  });

  it('a HEIC photo this browser cannot open is refused at once with what to do, and nothing is sent', async function () {
    await engineGap(this, 'heic-decoder');
    await fetch('/api/__test/fail-submits?count=0', { method: 'POST' }); // clears the submit log
    const el = await openConsented();
    const failed = nextEvent<{ code: string; message: string }>(el, 'try-on-error');
    // A real HEIC file (heif-enc), named and typed as an iPhone hands it over.
    const heic = new File([await (await fetch(HEIC_FIXTURE)).blob()], 'IMG_0001.HEIC', { type: 'image/heic' });
    pickFile(part<HTMLInputElement>(el, 'file-input')!, heic);
    const error = await failed;
    expect(error.code).to.equal('image_heic_unsupported');
    expect(error.message).to.contain('Most Compatible');
    expect(error.message).to.contain('Take a photo');
    await untilStatus(el, 'error');
    expect(part(el, 'error')!.dataset.code).to.equal('image_heic_unsupported');
    expect(part(el, 'retry')).to.equal(null);
    expect(await (await fetch('/api/__test/submits')).json()).to.deep.equal([]);
  });

  it('a HEIC photo is taken like any other where the browser opens HEIC', async function () {
    await engineGap(this, 'no-heic-decoder');
    const el = await openConsented();
    const heic = new File([await (await fetch(HEIC_FIXTURE)).blob()], 'IMG_0001.HEIC', { type: 'image/heic' });
    pickFile(part<HTMLInputElement>(el, 'file-input')!, heic);
    await until(() => part(el, 'submit') !== null, 10_000, 'the submit button');
    expect(el.getAttribute('status')).to.equal('capture');
    expect(part(el, 'error')).to.equal(null);
  });
});
