import { describe, expect, it } from 'vitest';
import { classifyFailure, errorText, FAILURE_MESSAGES, mapFailure, refusalError } from '../../../src/server/providers/failures.ts';
import { mapVistoureFailure } from '../../../src/server/providers/vistoure.ts';
import { mapPixazoFailure } from '../../../src/server/providers/pixazo.ts';
import { mapVtryonFailure } from '../../../src/server/providers/vtryon.ts';
import { mapVirtufitFailure } from '../../../src/server/providers/virtufit.ts';

// Texts in the styles the provider docs and fakes use.
const cases: Array<[string, string]> = [
  ['NSFW content detected by safety checker', 'moderation_blocked'],
  ['Replicate API error: prohibited content', 'moderation_blocked'],
  // Moderation wins even when the text also names the photo.
  ['Photo blocked by content policy', 'moderation_blocked'],
  ['Pose estimation failed: keypoints missing', 'pose_unsupported'],
  ['densepose: no skeleton', 'pose_unsupported'],
  ['Garment segmentation failed', 'garment_rejected'],
  ['garm_img could not be downloaded', 'garment_rejected'],
  ['packshot image unreadable', 'garment_rejected'],
  ['Invalid person image: no human detected', 'photo_rejected'],
  ['ImageLoadError: model_image', 'photo_rejected'],
  ['cannot identify image file', 'photo_rejected'],
  ['CUDA out of memory at worker-7 (10.0.3.4)', 'generation_failed'],
  ['prediction timed out (id r8_x91)', 'generation_failed'],
];

describe('shared failure mapping', () => {
  it.each(cases)('%s → %s, with our message and never the provider text', (text, code) => {
    const body = mapFailure(text);
    expect(body.code).toBe(code);
    expect(body.message).toBe(FAILURE_MESSAGES[body.code as keyof typeof FAILURE_MESSAGES]);
    expect(body.message.toLowerCase()).not.toContain(text.toLowerCase());
  });

  it('blames "the image" on whichever image the failed step read', () => {
    expect(classifyFailure('could not decode image')).toBe('photo_rejected');
    expect(classifyFailure('could not decode image', 'garment_rejected')).toBe('garment_rejected');
    expect(classifyFailure('could not decode image', 'generation_failed')).toBe('generation_failed');
    // Named images are never re-blamed.
    expect(classifyFailure('person not found', 'garment_rejected')).toBe('photo_rejected');
    expect(classifyFailure(undefined)).toBe('generation_failed');
    expect(classifyFailure('   ')).toBe('generation_failed');
  });

  it('every adapter answers the same text with the same code and message', () => {
    for (const [text] of cases) {
      const expected = mapFailure(text);
      for (const map of [mapVistoureFailure, mapPixazoFailure, mapVtryonFailure, mapVirtufitFailure]) {
        expect(map(text)).toEqual(expected);
      }
    }
  });

  it('reads error fields as strings or objects', () => {
    expect(errorText('  boom ')).toBe('boom');
    expect(errorText('')).toBeUndefined();
    expect(errorText({ name: 'ImageLoadError', message: 'model_image' })).toBe('ImageLoadError: model_image');
    expect(errorText({ code: 'upstream', message: 'pose not found' })).toBe('upstream: pose not found');
    expect(errorText(null)).toBeUndefined();
    expect(errorText(42)).toBeUndefined();
  });

  it("a refusal naming an image is the shopper's; anything else is ours, without the provider words", () => {
    const shopper = refusalError('Pixazo', 'human_img could not be downloaded', 400);
    expect(shopper).toMatchObject({ kind: 'rejected', code: 'photo_rejected', providerStatus: 400 });
    expect(shopper.message).toBe(FAILURE_MESSAGES.photo_rejected);
    const ours = refusalError('Pixazo', 'category must be one of upper_body, lower_body', 400);
    expect(ours).toMatchObject({ kind: 'bad_response', providerStatus: 400 });
    expect(ours.message).not.toContain('upper_body');
    expect(refusalError('VistoureAI', undefined).kind).toBe('bad_response');
  });
});
