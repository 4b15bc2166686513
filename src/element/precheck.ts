/**
 * The endpoint's check of this element's product (client/check.ts), with the fields a submit
 * would send, so a product the endpoint cannot serve is known before the shopper gives anything.
 */
import { resolveEndpoint, resolveGarment } from '../client/endpoint.ts';
import { checkProduct } from '../client/check.ts';
import type { ClientError } from '../client/errors.ts';
import type { TryOnHost } from './host.ts';

/** The setup refusal for `host`'s product, or undefined (it can be tried on, or nobody can tell). */
export async function precheck(host: TryOnHost): Promise<ClientError | undefined> {
  const base = document.baseURI;
  try {
    return await checkProduct(resolveEndpoint(host.endpoint, base), {
      product: host.product,
      garment: resolveGarment(host.garment, base),
      category: host.category,
    });
  } catch {
    // No usable endpoint: the submit reports that, in the words it has for it.
    return undefined;
  }
}
