/**
 * The live camera: one getUserMedia stream at a time, the list of cameras to switch between,
 * the capture of a full-resolution, unmirrored frame (CameraSession), and the controller that
 * runs it for the panel: starting, live or off, why it is unavailable, and off whenever the page
 * is hidden. No DOM of its own: the capture view renders the preview from `view()`.
 */
import type { ReactiveController } from 'lit';
import { isAbortError } from '../../client/errors.ts';
import type { TryOnHost } from '../host.ts';
import type { TryOnStrings } from '../strings.ts';

/** Why the camera could not start: each gets its own message, then the picker. */
export type CameraFailure = 'denied' | 'none' | 'in_use' | 'unsupported';

/** A camera start that failed, with the reason the shopper is told. */
export class CameraError extends Error {
  readonly reason: CameraFailure;
  constructor(reason: CameraFailure, options?: { cause?: unknown }) {
    super(`camera unavailable: ${reason}`, options);
    this.name = 'CameraError';
    this.reason = reason;
  }
}

/** Maps getUserMedia's DOMException names to what the shopper can do about it. */
export function cameraFailure(error: unknown): CameraFailure {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'in_use';
    case 'TypeError': // insecure context or no constraints support
      return 'unsupported';
    default:
      // NotFoundError, OverconstrainedError, DevicesNotFoundError
      return 'none';
  }
}

/** Whether this browser offers a live camera API at all (secure context and mediaDevices). */
export function hasLiveCamera(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/** One camera session: start, switch, capture, stop. Safe to stop twice. */
export class CameraSession {
  #stream: MediaStream | undefined;
  #cameras: MediaDeviceInfo[] = [];
  /** Bumped by every start/stop, so a getUserMedia that resolves after stop() is stopped at once. */
  #generation = 0;

  /** The live stream, if any. */
  get stream(): MediaStream | undefined {
    return this.#stream;
  }

  /** Whether the shopper can switch to another camera (two or more video inputs). */
  get canSwitch(): boolean {
    return this.#cameras.length > 1;
  }

  /**
   * Starts the camera: the front one by default (`facingMode: 'user'`), or `deviceId`.
   * Rejects with a {@link CameraError}. A stream that arrives after `stop()` is stopped.
   */
  async start(deviceId?: string): Promise<MediaStream> {
    if (!hasLiveCamera()) throw new CameraError('unsupported');
    this.stop();
    const generation = ++this.#generation;
    const video: MediaTrackConstraints = deviceId
      ? { deviceId: { exact: deviceId } }
      : { facingMode: 'user', width: { ideal: 1920 }, height: { ideal: 1920 } };
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
    } catch (error) {
      throw new CameraError(cameraFailure(error), { cause: error });
    }
    if (generation !== this.#generation) {
      stopTracks(stream);
      throw new DOMException('The camera was closed while starting.', 'AbortError');
    }
    this.#stream = stream;
    // Device labels and the full list are only available once permission is granted.
    try {
      const devices = await navigator.mediaDevices.enumerateDevices();
      this.#cameras = devices.filter((device) => device.kind === 'videoinput');
    } catch {
      this.#cameras = [];
    }
    return stream;
  }

  /** Moves to the next camera in the device list (front ↔ back on a phone). */
  async switchCamera(): Promise<MediaStream> {
    const current = this.#stream?.getVideoTracks()[0]?.getSettings().deviceId;
    const index = this.#cameras.findIndex((camera) => camera.deviceId === current);
    const next = this.#cameras[(index + 1) % Math.max(1, this.#cameras.length)];
    return this.start(next?.deviceId || undefined);
  }

  /** Stops every track, so the camera light goes off. */
  stop(): void {
    this.#generation++;
    if (this.#stream) stopTracks(this.#stream);
    this.#stream = undefined;
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/**
 * The video's current frame at its full resolution as a JPEG file. The preview is mirrored
 * with CSS only; the canvas draws the frame as the camera sees it, so the photo is not mirrored.
 */
export async function captureFrame(video: HTMLVideoElement, quality = 0.92): Promise<File> {
  const { videoWidth: width, videoHeight: height } = video;
  if (!width || !height) throw new Error('the camera has not delivered a frame yet');
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('2d canvas context unavailable');
  context.drawImage(video, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  canvas.width = canvas.height = 0;
  if (!blob) throw new Error('the camera frame could not be encoded');
  return new File([blob], `camera-${Date.now()}.jpg`, { type: 'image/jpeg' });
}

export type CameraState = 'off' | 'starting' | 'live';

/** What the capture view needs to show the live camera. */
export interface CameraView {
  starting: boolean;
  canSwitch: boolean;
  /** The front camera is shown mirrored, as shoppers expect from a selfie view; a rear one is not. */
  mirrored: boolean;
  /** The live stream the preview shows: a property binding, since Lit's `ref` directive would add 0.8 KB gzip of directive machinery. */
  stream: MediaStream | null;
  /** Starts playback once the stream's first frame is known. */
  onReady: (event: Event) => void;
  onCapture: () => void;
  onSwitch: () => void;
  onBack: () => void;
}

export interface CameraOptions {
  strings: () => TryOnStrings;
  /** Says something in the panel's polite live region ('' clears it). */
  announce: (text: string) => void;
  /** Whether the live camera may still be shown when it has started (the shopper may have moved on). */
  allowed: () => boolean;
  /** A view with new controls appeared (the live camera, or the reason it is not there). */
  focus: () => void;
  /** The shopper took a photo. */
  onPhoto: (file: File) => void;
}

/** The panel's live camera. */
export class CameraController implements ReactiveController {
  readonly #host: TryOnHost;
  readonly #options: CameraOptions;
  readonly #session = new CameraSession();
  #state: CameraState = 'off';
  #problem: CameraFailure | undefined;

  constructor(host: TryOnHost, options: CameraOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get state(): CameraState {
    return this.#state;
  }

  /** Why the live camera is not available, after a start failed. */
  get problem(): CameraFailure | undefined {
    return this.#problem;
  }

  /**
   * Whether "Take a photo" starts the live camera. After a failure the phone's own camera (the
   * picker's `capture` input) may still work: it needs no site permission.
   */
  get usable(): boolean {
    return hasLiveCamera() && !this.#problem;
  }

  /** The panel opened: a hidden page turns the camera off. */
  attach(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
    window.addEventListener('pagehide', this.#onVisibility);
  }

  /** The panel closed: the camera goes off. */
  detach(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    window.removeEventListener('pagehide', this.#onVisibility);
    this.stop();
  }

  /** The element left the page: so does the camera. */
  hostDisconnected(): void {
    this.detach();
  }

  /** Starts the camera (the front one), or the next one when `switching`. */
  async start(switching = false): Promise<void> {
    const s = this.#options.strings();
    this.#problem = undefined;
    this.#state = 'starting';
    this.#options.announce(s.cameraStarting);
    this.#host.requestUpdate();
    try {
      await (switching ? this.#session.switchCamera() : this.#session.start());
    } catch (error) {
      if (isAbortError(error)) return;
      const problem = error instanceof CameraError ? error.reason : 'none';
      this.#state = 'off';
      this.#problem = problem;
      this.#options.announce(
        { denied: s.cameraDenied, none: s.cameraNone, in_use: s.cameraInUse, unsupported: s.cameraUnsupported }[problem],
      );
      this.#options.focus();
      this.#host.requestUpdate();
      return;
    }
    if (!this.#options.allowed()) {
      this.stop();
      return;
    }
    this.#state = 'live';
    this.#options.announce('');
    this.#options.focus();
    this.#host.requestUpdate();
  }

  /** Stops every track (the camera light goes off) and leaves the live view. */
  stop(): void {
    this.#session.stop();
    if (this.#state === 'off') return;
    this.#state = 'off';
    this.#host.requestUpdate();
  }

  /** The live view's state and controls. */
  view(): CameraView {
    const stream = this.#session.stream;
    return {
      starting: this.#state === 'starting',
      canSwitch: this.#session.canSwitch,
      mirrored: stream?.getVideoTracks()[0]?.getSettings().facingMode !== 'environment',
      stream: stream ?? null,
      onReady: this.#play,
      onCapture: this.#capture,
      onSwitch: () => void this.start(true),
      onBack: () => this.stop(),
    };
  }

  // `autoplay` alone waits for the element to be laid out; the preview should start as soon as
  // the stream's first frame size is known.
  #play = (event: Event): void => {
    (event.target as HTMLVideoElement).play().catch(() => {});
  };

  #capture = async (): Promise<void> => {
    const video = this.#host.renderRoot.querySelector<HTMLVideoElement>('.camera-video');
    if (!video || this.#state !== 'live') return;
    let file: File;
    try {
      file = await captureFrame(video);
    } catch (error) {
      console.error('[try-on-button]', error);
      return;
    }
    this.#options.onPhoto(file);
  };

  #onVisibility = (event: Event): void => {
    // A hidden page must not keep the camera (and its light) on.
    if (event.type === 'pagehide' || document.visibilityState === 'hidden') this.stop();
  };
}
