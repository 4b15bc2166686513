import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientError } from '../../src/client/errors.ts';
import { shownError } from '../../src/element/shown-error.ts';
import { defaultStrings } from '../../src/element/strings.ts';
import de from '../../src/element/locales/de.ts';
import { PhotoError } from '../../src/worker/errors.ts';

describe('shownError: a failure as the error state shows it', () => {
  afterEach(() => vi.restoreAllMocks());

  it("speaks the panel's language for a code the locale knows, whatever the endpoint said", () => {
    const error = new ClientError({ code: 'rate_limited', message: 'Too many requests (endpoint wording).', status: 429 });
    expect(shownError(error, de)).toEqual({ code: 'rate_limited', message: de.errors.rate_limited, details: undefined, retryable: true });
  });

  it("keeps the endpoint's message for a code no locale has, and its details", () => {
    const error = new ClientError({ code: 'not_found', message: 'No such route.', status: 404, details: ['one', 'two'] });
    expect(shownError(error, defaultStrings)).toEqual({
      code: 'not_found',
      message: 'No such route.',
      details: ['one', 'two'],
      retryable: true,
    });
  });

  it('a refusal of the photo itself, by the endpoint or on the device, is not worth retrying with the same photo', () => {
    const refused = new ClientError({ code: 'pose_unsupported', message: 'Pose.', status: 422 });
    expect(shownError(refused, defaultStrings).retryable).toBe(false);
    const unreadable = new PhotoError('image_undecodable', 'Cannot decode.');
    expect(shownError(unreadable, defaultStrings)).toEqual({
      code: 'image_undecodable',
      message: defaultStrings.errors.image_undecodable,
      details: undefined,
      retryable: false,
    });
    // Any PhotoError: the device could not prepare this photo, so sending it again cannot help.
    expect(shownError(new PhotoError('internal_error', 'Worker gone.'), defaultStrings).retryable).toBe(false);
  });

  it('anything else is an internal error with the default message, and the console says what it was', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bug = new TypeError('The try-on button has no endpoint.');
    expect(shownError(bug, de)).toEqual({ code: 'internal_error', message: de.errors.default, details: undefined, retryable: true });
    expect(log).toHaveBeenCalledWith('[try-on-button]', bug);
  });

  it("a setup refusal is final (no retry) and warns the merchant with the endpoint's sentence, which names the setting", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const message = 'Garment images from cdn.other.example are not allowed. The store owner can add this host to TRYON_GARMENT_HOSTS.';
    const shown = shownError(new ClientError({ code: 'garment_host_not_allowed', message, status: 422 }), de);
    expect(shown).toMatchObject({
      code: 'garment_host_not_allowed',
      message: de.errors.garment_host_not_allowed,
      retryable: false,
      setup: true,
    });
    expect(warn).toHaveBeenCalledWith(`[try-on-button] garment_host_not_allowed: ${message}`);
    // A refusal the shopper can do something about is not a setup error.
    expect(shownError(new ClientError({ code: 'rate_limited', message: 'Slow down.', status: 429 }), de).setup).toBeUndefined();
  });
});
