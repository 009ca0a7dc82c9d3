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
  options: StringOptions = {},
): Validation<string | undefined> {
  const value = record[key];
  if (value === undefined || value === null) {
    return options.optional ? VALID_UNDEFINED : invalid(fieldName(path, key), `${fieldName(path, key)} is required`);
  }
  if (typeof value !== 'string') return invalid(fieldName(path, key), `${fieldName(path, key)} must be a string`);
  if (!options.allowEmpty && !NOT_BLANK.test(value)) return invalid(fieldName(path, key), `${fieldName(path, key)} must not be empty`);
  const max = options.max ?? MAX_TEXT;
  if (value.length > max) return invalid(fieldName(path, key), `${fieldName(path, key)} must be at most ${max} characters`);
  return valid(value);
}

// Built only for a failure: every event passes through here.
const fieldName = (path: string, key: string) => (path ? `${path}.${key}` : key);
const VALID_UNDEFINED: Validation<undefined> = valid(undefined);
/** Anything but the white space `trim()` removes. */
const NOT_BLANK = /\S/;

/** Options of {@link readString} and {@link FieldReader.string}. */
export interface StringOptions {
  readonly optional?: boolean;
  readonly max?: number;
  readonly allowEmpty?: boolean;
}

/**
 * {@link readString} for validators on the hot path (every live event): reads the string fields
 * of one record and keeps the first issue, allocating nothing per field. After an issue every
 * read answers undefined; check {@link FieldReader.issue} before using the values.
 */
export class FieldReader {
  issue: ValidationIssue | null = null;

  constructor(
    readonly record: Record<string, unknown>,
    readonly path: string,
  ) {}

  string(key: string, options: StringOptions = {}): string | undefined {
    if (this.issue !== null) return undefined;
    const value = this.record[key];
    if (typeof value === 'string' && value.length <= (options.max ?? MAX_TEXT) && (options.allowEmpty || NOT_BLANK.test(value))) return value;
    const checked = readString(this.record, key, this.path, options);
    if (!checked.ok) this.issue = checked.issue;
    return undefined;
  }
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
  if (UNSAFE_CHARACTERS.test(trimmed)) return undefined;
  // The common shapes need no parse (at 10,000 events a second it was a third of the feeds' time):
  // an http(s) URL with a lower-case host and a path, kept as sent.
  if (PLAIN_ABSOLUTE.test(trimmed)) return trimmed;
  if (ABSOLUTE.test(trimmed)) {
    try {
      const url = new URL(trimmed);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
    } catch {
      return undefined;
    }
  }
  // Relative: a path, a query or a fragment, but never protocol-relative (//host) or a scheme.
  // Without control characters and `\` (refused above), a reference of these shapes resolves
  // on its base's origin whatever follows, so it needs no parse either.
  return RELATIVE.test(trimmed) ? trimmed : undefined;
}

const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f\\]/;
const ABSOLUTE = /^https?:\/\//i;
/** `http(s)://host[:port]` then a path, query or fragment of printable ASCII without spaces. */
const PLAIN_ABSOLUTE = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?[/?#][\x21-\x7e]*$/;
const RELATIVE = /^(?:\/(?!\/)|\.{1,2}\/|\?|#)/;

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
