/**
 * Download and share of the result image, with the browser's objects injectable for tests.
 */

/** Extension for a result of this MIME type; the URL's own extension, then `png`, otherwise. */
export function extensionFor(type: string, url: string): string {
  const known: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/jpg': 'jpg',
    'image/png': 'png',
    'image/svg+xml': 'svg',
    'image/webp': 'webp',
    'image/avif': 'avif',
    'image/gif': 'gif',
  };
  const byType = known[type.split(';')[0]!.trim().toLowerCase()];
  if (byType) return byType;
  const match = /\.(jpe?g|png|svg|webp|avif|gif)$/i.exec(safePath(url));
  if (match) return match[1]!.toLowerCase().replace('jpeg', 'jpg');
  return 'png';
}

function safePath(url: string): string {
  try {
    return new URL(url, 'https://x.invalid/').pathname;
  } catch {
    return '';
  }
}

/** `try-on-<product>.<ext>`, the product id reduced to characters every file system accepts. */
export function downloadName(product: string | undefined, type: string, url: string): string {
  const slug = (product ?? '')
    .normalize('NFKD')
    // Accents come apart under NFKD: drop the marks, keep the letters (été → ete).
    .replace(/\p{M}+/gu, '')
    .replace(/[^\w-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `try-on-${slug || 'preview'}.${extensionFor(type, url)}`;
}

/** How the result was shared, as reported in `try-on-share`. */
export type ShareMethod = 'file' | 'link' | 'clipboard';

/** The parts of `navigator` sharing uses (Web Share Level 2 and the async clipboard). */
export interface ShareNavigator {
  share?: (data: ShareData) => Promise<void>;
  canShare?: (data: ShareData) => boolean;
  clipboard?: { writeText?: (text: string) => Promise<void> };
}

export type ShareOutcome = { method: ShareMethod } | { cancelled: true } | { failed: true };

/**
 * Shares the image file where the browser can (`canShare({ files })`), else its URL through the
 * share sheet, else copies the URL. A dismissed share sheet is the shopper's choice, not a
 * failure: nothing else is tried.
 */
export async function shareResult(
  nav: ShareNavigator,
  input: { url: string; file: File | undefined; title: string; text: string },
): Promise<ShareOutcome> {
  const { url, file, title, text } = input;
  try {
    if (file && nav.share && nav.canShare?.({ files: [file] })) {
      await nav.share({ files: [file], title, text });
      return { method: 'file' };
    }
    if (nav.share) {
      await nav.share({ url, title, text });
      return { method: 'link' };
    }
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') return { cancelled: true };
    // NotAllowedError (no user activation left) or a share target failing: copy the link instead.
  }
  try {
    if (!nav.clipboard?.writeText) return { failed: true };
    await nav.clipboard.writeText(url);
    return { method: 'clipboard' };
  } catch {
    return { failed: true };
  }
}
