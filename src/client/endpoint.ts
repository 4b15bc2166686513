/**
 * Resolves the element's `endpoint` attribute (absolute, or relative to the page such as
 * `/api/try-on` or a Shopify app proxy path) to a base URL without a trailing slash, so routes
 * can be appended as `${base}/jobs`.
 * @throws TypeError with a sentence a merchant can act on when the value is empty or not http(s).
 */
export function resolveEndpoint(value: string | null | undefined, baseURI: string): string {
  const trimmed = (value ?? '').trim();
  if (!trimmed) {
    throw new TypeError('The try-on button has no endpoint: set its "endpoint" attribute, e.g. endpoint="/api/try-on".');
  }
  let url: URL;
  try {
    url = new URL(trimmed, baseURI);
  } catch {
    throw new TypeError(`The try-on endpoint "${trimmed}" is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`The try-on endpoint must be an http(s) URL, not "${url.protocol}".`);
  }
  url.hash = '';
  url.search = '';
  return url.href.replace(/\/+$/, '');
}

/**
 * Resolves a possibly relative garment URL (e.g. `/garments/shirt.png`) against the page, since
 * the endpoint needs an absolute URL to fetch. Returns undefined for an empty value.
 */
export function resolveGarment(value: string | null | undefined, baseURI: string): string | undefined {
  const trimmed = (value ?? '').trim();
  if (!trimmed) return undefined;
  try {
    return new URL(trimmed, baseURI).href;
  } catch {
    // Let the endpoint refuse it with its own garment_url_invalid answer.
    return trimmed;
  }
}
