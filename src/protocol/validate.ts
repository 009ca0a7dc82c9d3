/** Small guards that turn `unknown` into typed values. Shared by the browser and the server. */

/** Where a value failed validation and why. `field` is a dotted path such as `payload.title`. */
export interface ValidationIssue {
  readonly field: string;
  readonly message: string;
}

/** The result of a validator: the typed value, or the first issue found. */
export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issue: ValidationIssue };

/** A successful validation. */
export const valid = <T>(value: T): Validation<T> => ({ ok: true, value });
/** A failed validation naming the field. */
export const invalid = <T = never>(field: string, message: string): Validation<T> => ({
  ok: false,
  issue: { field, message },
});

/** Turns `unknown` into `T`; `field` is the path used in issues. */
export type Validator<T> = (input: unknown, field?: string) => Validation<T>;

/** Whether `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Longest text accepted in any single string field; keeps one bad frame from bloating a list. */
export const MAX_TEXT = 10_000;

/** Reads a string field of `record`, checking presence, emptiness and length. */
export function readString(
  record: Record<string, unknown>,
  key: string,
  path: string,
  options: { optional?: boolean; max?: number; allowEmpty?: boolean } = {},
): Validation<string | undefined> {
  const value = record[key];
  const field = path ? `${path}.${key}` : key;
  if (value === undefined || value === null) {
    return options.optional ? valid(undefined) : invalid(field, `${field} is required`);
  }
  if (typeof value !== 'string') return invalid(field, `${field} must be a string`);
  if (!options.allowEmpty && value.trim() === '') return invalid(field, `${field} must not be empty`);
  const max = options.max ?? MAX_TEXT;
  if (value.length > max) return invalid(field, `${field} must be at most ${max} characters`);
  return valid(value);
}

/** Whether `value` is a number that is a safe integer. */
export function isSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/**
 * Keeps a link only when it is http, https or relative; anything else (javascript:, data:, …)
 * is dropped so it can never be rendered as a live link.
 */
export function safeLink(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  // Browsers skip tabs and newlines inside URLs and read `\` as `/`, so `/\evil.example` or
  // `/<tab>/evil.example` would leave the site: refuse any of them outright.
  if (/[\u0000-\u001f\u007f\\]/.test(trimmed)) return undefined;
  if (/^https?:\/\//i.test(trimmed)) {
    try {
      const url = new URL(trimmed);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
    } catch {
      return undefined;
    }
  }
  // Relative: a path, a query or a fragment, but never protocol-relative (//host) or a scheme.
  if (!/^(\/(?!\/)|\.{1,2}\/|\?|#)/.test(trimmed)) return undefined;
  // Belt and braces: resolved against any base, a relative link must stay on that base's origin.
  const base = 'https://relative.invalid/';
  try {
    return new URL(trimmed, base).origin === new URL(base).origin ? trimmed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A user id as the kit accepts it from pages and the network: 1 to 200 characters, no control
 * characters (they would forge log lines or break headers).
 */
export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 && !/[\u0000-\u001f\u007f]/.test(value);
}

/** Document ids for `/collab/<id>` and `/api/documents/<id>`: 1 to 200 of `A-Z a-z 0-9 _ . ~ -`. */
export const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9_.~-]{1,200}$/;

/** Whether `value` is a valid document id; see {@link DOCUMENT_ID_PATTERN}. */
export function isDocumentId(value: unknown): value is string {
  return typeof value === 'string' && DOCUMENT_ID_PATTERN.test(value);
}
