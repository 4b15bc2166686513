/**
 * Reads and validates the fields of `POST {base}/jobs` (everything but the photo bytes' content,
 * see photo.ts), so the handler only calls the provider with input worth paying for.
 */
import { CATEGORIES, isCategory, SUBMIT_FIELDS, type Category } from '../../protocol.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import type { ProductResolver } from '../garments/catalog.ts';
import { ApiError } from '../http/api-error.ts';
import { checkGarmentUrl } from '../garments/garment.ts';

export interface SubmitFields {
  /** The uploaded photo, or undefined when `photoRef` was sent instead. */
  photo?: Uint8Array;
  photoRef?: string;
  garmentUrl: string;
  /** The product id as sent (the garment may come from it). */
  product?: string;
  garmentDescription?: string;
  category: Category;
  size?: string;
  consent: string;
  /** Cloudflare Turnstile token, when the page sent one. */
  turnstileToken?: string;
}

const text = (form: FormData, name: string): string | undefined => {
  const value = form.get(name);
  if (value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ApiError(400, 'bad_request', `The field "${name}" must be text, not a file.`);
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/**
 * Validates the submit form, as readForm returns it (SUBMIT_FIELDS only, each at most once);
 * throws ApiError with the protocol's code for the first problem.
 */
export async function readSubmitFields(
  form: FormData,
  adapter: ProviderAdapter,
  garmentHosts: readonly string[],
  resolveProduct: ProductResolver = () => undefined,
  scope = 'self',
  devAllowLoopback = false,
): Promise<SubmitFields> {
  const consent = text(form, SUBMIT_FIELDS.consent);
  if (!consent) {
    throw new ApiError(400, 'consent_required', 'Please accept the try-on consent before sending your photo.');
  }
  if (consent.length > 64) {
    throw new ApiError(400, 'consent_required', 'The consent version must be at most 64 characters.');
  }

  const { garmentUrl, product, category } = await readGarment(form, adapter, garmentHosts, resolveProduct, scope, devAllowLoopback);

  const size = text(form, SUBMIT_FIELDS.size);
  if (size !== undefined && (size.length > 32 || !/^[\p{L}\p{N} ./_+-]+$/u.test(size))) {
    throw new ApiError(400, 'bad_request', 'The size must be a short label such as "M" or "42".');
  }

  const turnstileToken = text(form, SUBMIT_FIELDS.turnstileToken);

  const photoValue = form.get(SUBMIT_FIELDS.photo);
  const photoRef = text(form, SUBMIT_FIELDS.photoRef);
  let photo: Uint8Array | undefined;
  if (photoValue !== null && typeof photoValue !== 'string') {
    photo = new Uint8Array(await photoValue.arrayBuffer());
  } else if (typeof photoValue === 'string' && photoValue !== '') {
    throw new ApiError(400, 'photo_missing', 'The photo must be sent as a file.');
  } else if (!photoRef) {
    throw new ApiError(400, 'photo_missing', 'Please take or choose a photo first.');
  }

  return {
    ...(photo ? { photo } : { photoRef: photoRef! }),
    garmentUrl,
    ...(product ? { product: product.id } : {}),
    ...(product?.description ? { garmentDescription: product.description } : {}),
    category,
    ...(size ? { size } : {}),
    consent,
    ...(turnstileToken ? { turnstileToken } : {}),
  };
}

const productUnknown = (id: string) =>
  new ApiError(
    404,
    'product_unknown',
    `The product "${id.slice(0, 64)}" is not set up for try-on. The store owner can add it to the endpoint's catalog (TRYON_CATALOG, or the products or resolveProduct option).`,
    { logged: { product: id.slice(0, 64) } },
  );

/**
 * The garment part of a submit, also all that `GET {base}/check` reads: the product resolved,
 * the category checked against the provider and the garment URL against the host allowlist.
 * Throws ApiError with the protocol's code for the first problem; nothing is fetched.
 */
export async function readGarment(
  form: FormData,
  adapter: ProviderAdapter,
  garmentHosts: readonly string[],
  resolveProduct: ProductResolver = () => undefined,
  scope = 'self',
  devAllowLoopback = false,
): Promise<{ garmentUrl: string; product?: { id: string; description?: string }; category: Category }> {
  const productId = text(form, SUBMIT_FIELDS.product);
  if (productId !== undefined && (productId.length > 128 || !/^[\p{L}\p{N}._:/+-]+$/u.test(productId))) {
    throw new ApiError(400, 'bad_request', 'The product id must be at most 128 letters, digits or . _ : / + -.');
  }
  const product = productId !== undefined ? await resolveProduct(productId, scope) : undefined;
  // A product that was named and is not set up is the answer, whatever else is missing.
  if (productId !== undefined && !product && text(form, SUBMIT_FIELDS.garment) === undefined) {
    throw productUnknown(productId);
  }

  const categoryValue = text(form, SUBMIT_FIELDS.category) ?? product?.category;
  if (!isCategory(categoryValue)) {
    throw new ApiError(400, 'category_invalid', `The category must be one of: ${CATEGORIES.join(', ')}.`);
  }
  if (adapter.categories[categoryValue] === undefined) {
    throw new ApiError(
      422,
      'unsupported_category',
      `The try-on provider ${adapter.name} cannot dress ${categoryValue} items. The store owner can give the product a category it dresses (${Object.keys(adapter.categories).join(', ')}) in the category attribute or the catalog, or set TRYON_PROVIDER to one that does.`,
      { logged: { category: categoryValue, provider: adapter.name } },
    );
  }

  let garment = text(form, SUBMIT_FIELDS.garment);
  if (garment === undefined) {
    if (productId === undefined) {
      throw new ApiError(400, 'garment_missing', 'The garment image is missing: send a garment image URL or a product id.');
    }
    if (!product) throw productUnknown(productId);
    garment = product.garment;
  }
  return {
    garmentUrl: checkGarmentUrl(garment, garmentHosts, devAllowLoopback),
    ...(productId !== undefined
      ? { product: { id: productId, ...(product?.description ? { description: product.description } : {}) } }
      : {}),
    category: categoryValue,
  };
}
