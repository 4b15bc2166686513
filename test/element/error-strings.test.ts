/**
 * A shopper who meets an error must read what happened and what to do, not "Something went
 * wrong". Codes a shopper can meet get their own sentence in every shipped language; only codes
 * that mean a bug in the widget or a misconfigured page fall back to the generic text.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../src/protocol.ts';
import { defaultStrings, type TryOnStrings } from '../../src/element/strings.ts';
import de from '../../src/element/locales/de.ts';
import es from '../../src/element/locales/es.ts';
import fr from '../../src/element/locales/fr.ts';
import ja from '../../src/element/locales/ja.ts';

/** Answers only a broken integration or the widget itself can cause; the generic text is honest there. */
const GENERIC_ON_PURPOSE: ErrorCode[] = [
  'bad_request',
  'method_not_allowed',
  'not_found',
  'unsupported_media_type',
  'photo_missing',
  'photo_ref_invalid', // the widget resends the photo itself
  'idempotency_key_invalid',
  'proxy_signature_invalid',
  'garment_address_not_allowed',
  'aborted', // never shown: the shopper cancelled
  'internal_error',
  'admin_unauthorized', // the merchant's spend report, which the widget never calls
];

describe('error texts', () => {
  const shopperFacing = ERROR_CODES.filter((code) => !GENERIC_ON_PURPOSE.includes(code));

  it('every code a shopper can meet has its own English sentence', () => {
    const missing = shopperFacing.filter((code) => !defaultStrings.errors[code]);
    expect(missing).toEqual([]);
  });

  it.each([
    ['de', de],
    ['fr', fr],
    ['es', es],
    ['ja', ja],
  ] as const)('%s translates every one of them', (_lang, locale) => {
    const errors: TryOnStrings['errors'] = locale.errors;
    const missing = shopperFacing.filter((code) => !errors[code] || errors[code] === defaultStrings.errors[code]);
    expect(missing).toEqual([]);
  });
});
