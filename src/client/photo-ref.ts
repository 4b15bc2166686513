/**
 * Reusing a photo the endpoint already has (`photoRef`), and asking it to forget one.
 */
import { sendDelete, type DeleteOptions } from './delete.ts';
import { ClientError } from './errors.ts';

/** Which photo field one submit carries: the handle, or the photo itself. */
export type PhotoField = { photoRef: string; photo?: undefined } | { photo: Blob; photoRef?: undefined };

/**
 * Sends with the handle when there is one, so the photo is not uploaded again; when the endpoint
 * answers `photo_ref_invalid` (the handle expired after about an hour, or was deleted), sends the
 * photo itself instead, transparently. `send` must use a fresh idempotency key per call: the two
 * requests differ, and the endpoint refuses a key reused for a different request.
 * @returns the answer and whether the photo had to be sent again (then the answer's photoRef is new).
 */
export async function sendReusingPhoto<T>(
  photo: { blob: Blob; photoRef?: string | undefined },
  send: (field: PhotoField) => Promise<T>,
): Promise<{ answer: T; resent: boolean }> {
  if (photo.photoRef) {
    try {
      return { answer: await send({ photoRef: photo.photoRef }), resent: false };
    } catch (error) {
      if (!(error instanceof ClientError) || error.code !== 'photo_ref_invalid') throw error;
    }
  }
  return { answer: await send({ photo: photo.blob }), resent: !!photo.photoRef };
}

/**
 * `DELETE {endpoint}/photos/{photoRef}`: the endpoint drops the photo and what it published for it.
 * 404 and `photo_ref_invalid` count as done (already expired, or never this store's).
 * @throws ClientError when the endpoint could not be reached or refused for another reason.
 */
export async function deleteRemotePhoto(endpoint: string, photoRef: string, options: DeleteOptions = {}): Promise<void> {
  const refused = await sendDelete(`${endpoint}/photos/${encodeURIComponent(photoRef)}`, options);
  if (refused && refused.code !== 'photo_ref_invalid') throw refused;
}
