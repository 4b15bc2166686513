/**
 * The live camera: one getUserMedia stream at a time, the list of cameras to switch between,
 * and the capture of a full-resolution, unmirrored frame. No DOM of its own; the panel renders
 * the preview and calls in.
 */

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
