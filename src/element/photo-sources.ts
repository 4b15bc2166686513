/**
 * Where a photo can come from besides the picker: a drag and drop onto the panel or a paste.
 * Also remembers, per device, that the shopper has seen the photo guidance.
 */

// iOS and some desktop file managers hand over HEIC with an empty MIME type.
const IMAGE_NAME = /\.(jpe?g|png|webp|gif|avif|heic|heif)$/i;

/** The first image file in a drop or paste, if any. */
export function imageFromTransfer(transfer: DataTransfer | null | undefined): File | undefined {
  if (!transfer) return undefined;
  const files = Array.from(transfer.files ?? []);
  const fromItems = Array.from(transfer.items ?? [])
    .filter((item) => item.kind === 'file')
    .map((item) => item.getAsFile())
    .filter((file): file is File => file !== null);
  return [...files, ...fromItems].find((file) => file.type.startsWith('image/') || IMAGE_NAME.test(file.name));
}

/** Whether a drag carries files (their names are hidden until the drop). */
export function dragHasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

const GUIDANCE_KEY = 'try-on-button:guidance-seen';

/** Whether this device has already seen (or skipped) the photo guidance. */
export function guidanceSeen(): boolean {
  try {
    return localStorage.getItem(GUIDANCE_KEY) === '1';
  } catch {
    // Storage blocked (private mode, sandboxed iframe): show the guidance, it is short.
    return false;
  }
}

/** Remembers on this device that the guidance was seen. */
export function markGuidanceSeen(): void {
  try {
    localStorage.setItem(GUIDANCE_KEY, '1');
  } catch {
    // Nothing to do: it shows again next time.
  }
}

/** Forgets that the guidance was seen (tests, and "show tips again"). */
export function resetGuidance(): void {
  try {
    localStorage.removeItem(GUIDANCE_KEY);
  } catch {
    // ignore
  }
}
