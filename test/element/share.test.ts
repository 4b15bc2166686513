import { describe, expect, it } from 'vitest';
import { downloadName, extensionFor, shareResult, type ShareNavigator } from '../../src/element/share.ts';

describe('download names', () => {
  it('names the file after the product with the extension of its type', () => {
    expect(downloadName('linen-shirt', 'image/jpeg', 'https://cdn/x')).toBe('try-on-linen-shirt.jpg');
    expect(downloadName('linen-shirt', 'image/png', 'https://cdn/x')).toBe('try-on-linen-shirt.png');
    expect(downloadName('linen-shirt', 'image/svg+xml', 'https://cdn/x')).toBe('try-on-linen-shirt.svg');
    expect(downloadName('Robe d’été / 42', 'image/webp', 'x')).toBe('try-on-Robe-d-ete-42.webp');
    expect(downloadName(undefined, 'image/png', 'x')).toBe('try-on-preview.png');
    expect(downloadName('../../etc', 'image/png', 'x')).toBe('try-on-etc.png');
  });

  it('falls back to the URL extension, then png', () => {
    expect(extensionFor('', 'https://cdn.example/r/abc.JPEG?sig=1')).toBe('jpg');
    expect(extensionFor('application/octet-stream', 'https://cdn.example/r/abc.webp')).toBe('webp');
    expect(extensionFor('', 'https://cdn.example/r/abc')).toBe('png');
    expect(extensionFor('image/svg+xml; charset=utf-8', '')).toBe('svg');
  });
});

function fakeNavigator(init: { files?: boolean; share?: 'ok' | 'abort' | 'deny' | 'none'; clipboard?: 'ok' | 'fail' | 'none' }) {
  const log: string[] = [];
  const nav: ShareNavigator = {};
  if (init.share && init.share !== 'none') {
    nav.canShare = (data) => (data.files ? !!init.files : true);
    nav.share = async (data) => {
      log.push(data.files ? `share:file:${data.files[0]!.name}` : `share:url:${data.url}`);
      if (init.share === 'abort') throw new DOMException('cancelled', 'AbortError');
      if (init.share === 'deny') throw new DOMException('no activation', 'NotAllowedError');
    };
  }
  if (init.clipboard && init.clipboard !== 'none') {
    nav.clipboard = {
      writeText: async (text) => {
        log.push(`copy:${text}`);
        if (init.clipboard === 'fail') throw new DOMException('denied', 'NotAllowedError');
      },
    };
  }
  return { nav, log };
}

const input = { url: 'https://shop/r.png', file: new File(['x'], 'try-on-a.png', { type: 'image/png' }), title: 't', text: 'x' };

describe('shareResult', () => {
  it('shares the file where files can be shared', async () => {
    const { nav, log } = fakeNavigator({ files: true, share: 'ok', clipboard: 'ok' });
    expect(await shareResult(nav, input)).toEqual({ method: 'file' });
    expect(log).toEqual(['share:file:try-on-a.png']);
  });

  it('shares the link when files cannot be, or when there is no file', async () => {
    const a = fakeNavigator({ files: false, share: 'ok', clipboard: 'ok' });
    expect(await shareResult(a.nav, input)).toEqual({ method: 'link' });
    expect(a.log).toEqual(['share:url:https://shop/r.png']);
    const b = fakeNavigator({ files: true, share: 'ok' });
    expect(await shareResult(b.nav, { ...input, file: undefined })).toEqual({ method: 'link' });
  });

  it('copies the link without Web Share, or when the share sheet refuses', async () => {
    const a = fakeNavigator({ clipboard: 'ok' });
    expect(await shareResult(a.nav, input)).toEqual({ method: 'clipboard' });
    expect(a.log).toEqual(['copy:https://shop/r.png']);
    const b = fakeNavigator({ files: true, share: 'deny', clipboard: 'ok' });
    expect(await shareResult(b.nav, input)).toEqual({ method: 'clipboard' });
    expect(b.log).toEqual(['share:file:try-on-a.png', 'copy:https://shop/r.png']);
  });

  it('stops when the shopper dismisses the sheet, and reports failure when nothing works', async () => {
    const a = fakeNavigator({ files: true, share: 'abort', clipboard: 'ok' });
    expect(await shareResult(a.nav, input)).toEqual({ cancelled: true });
    expect(a.log).toEqual(['share:file:try-on-a.png']);
    expect(await shareResult(fakeNavigator({ clipboard: 'fail' }).nav, input)).toEqual({ failed: true });
    expect(await shareResult(fakeNavigator({}).nav, input)).toEqual({ failed: true });
  });
});
