/**
 * What `<activity-feed>` shows: its kept items filtered and sorted by the `filter` and `sort-by`
 * attributes. The attribute texts become the worker pool's plain-data specs; the view is computed
 * with the same data-ops functions inline (small lists) or in the pool (large ones), so both give
 * identical results.
 */
import type { ActivityItem } from '../../protocol/index.js';
import type { WorkerPool } from '../../services/worker-pool.js';
import {
  type FilterClause,
  type FilterSpec,
  type Primitive,
  type SortKey,
  extractColumn,
  runTaskNow,
  toWireFilter,
} from '../../workers/data-ops.js';

/**
 * Lists of more kept items than this are filtered and sorted in the worker pool; smaller ones
 * inline, where a round trip to the worker would cost more than the work.
 */
export const ACTIVITY_POOL_THRESHOLD = 2000;

/** Item fields a `filter` or `sort-by` may name. */
export const ACTIVITY_FIELDS = ['seq', 'ts', 'id', 'userId', 'userName', 'action', 'target', 'link', 'avatar'] as const;

export type ActivityField = (typeof ACTIVITY_FIELDS)[number];

const NUMERIC_FIELDS: readonly string[] = ['seq', 'ts'];

/** Whether an item passes a feed's predicate. */
export type ActivityFilter = (item: ActivityItem) => boolean;

/** A parsed attribute, or why it could not be parsed. */
export type SpecResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

function fieldError(field: string): string {
  return `unknown field "${field}" (one of ${ACTIVITY_FIELDS.join(', ')})`;
}

function isField(name: string): name is ActivityField {
  return (ACTIVITY_FIELDS as readonly string[]).includes(name);
}

/**
 * Parses `sort-by`: fields separated by commas, each with an optional `-` for descending
 * (`-ts`, `userName,-ts`). Empty or absent: null (the feed's own order, newest first by `seq`).
 */
export function parseSortBy(text: string | null | undefined): SpecResult<readonly SortKey[] | null> {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return { ok: true, value: null };
  const keys: SortKey[] = [];
  for (const part of trimmed.split(',')) {
    const token = part.trim();
    const descending = token.startsWith('-');
    const field = descending ? token.slice(1).trim() : token;
    if (field === '') return { ok: false, message: `sort-by "${text}": an empty key` };
    if (!isField(field)) return { ok: false, message: `sort-by "${text}": ${fieldError(field)}` };
    keys.push({ field, direction: descending ? 'desc' : 'asc' });
  }
  return { ok: true, value: keys };
}

// Longest operators first, so `>=` is not read as `>` followed by a value starting with `=`.
const CLAUSE = /^\s*([A-Za-z]+)\s*(!=|>=|<=|\^=|=|~|>|<)(.*)$/s;

function parseValue(field: string, raw: string): Primitive | undefined {
  if (!NUMERIC_FIELDS.includes(field)) return raw;
  const number = Number(raw);
  if (raw !== '' && Number.isFinite(number)) return number;
  // `ts` also takes a date (`ts>=2026-01-01`): compared as ms since the epoch.
  const date = field === 'ts' ? Date.parse(raw) : Number.NaN;
  return Number.isFinite(date) ? date : undefined;
}

/**
 * Parses `filter`: clauses separated by `;`, all of which must hold. A clause is
 * `field op value`, with op one of `=` `!=` (a value or alternatives `a|b`), `~` (contains),
 * `^=` (starts with), `>` `>=` `<` `<=`. Values are case-sensitive text, numbers for `seq`, and
 * numbers or dates for `ts`. Empty or absent: null (no filter).
 */
export function parseFilter(text: string | null | undefined): SpecResult<readonly FilterClause[] | null> {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return { ok: true, value: null };
  const clauses: FilterClause[] = [];
  for (const part of trimmed.split(';')) {
    // A trailing or doubled `;` is harmless.
    if (part.trim() === '') continue;
    const match = CLAUSE.exec(part);
    if (!match) return { ok: false, message: `filter "${text}": "${part.trim()}" is not field, operator (= != ~ ^= > >= < <=) and value` };
    const field = match[1]!;
    const op = match[2]!;
    const raw = match[3]!.trim();
    if (!isField(field)) return { ok: false, message: `filter "${text}": ${fieldError(field)}` };
    if (raw === '') return { ok: false, message: `filter "${text}": "${part.trim()}" has no value` };
    const numeric = NUMERIC_FIELDS.includes(field);
    if ((op === '~' || op === '^=') && numeric) return { ok: false, message: `filter "${text}": ${op} reads text, and ${field} is a number` };
    const alternatives = op === '=' || op === '!=' ? raw.split('|').map((value) => value.trim()) : [raw];
    const values: Primitive[] = [];
    for (const alternative of alternatives) {
      const value = parseValue(field, alternative);
      if (value === undefined || alternative === '') return { ok: false, message: `filter "${text}": "${alternative}" is not a valid ${field}` };
      values.push(value);
    }
    if (values.length > 1) clauses.push({ field, op: op === '=' ? 'in' : 'not-in', value: values });
    else if (op === '~') clauses.push({ field, op: 'contains', value: values[0]! });
    else if (op === '^=') clauses.push({ field, op: 'starts-with', value: values[0]! });
    else clauses.push({ field, op: op as FilterClause['op'], value: values[0]! });
  }
  return { ok: true, value: clauses.length > 0 ? clauses : null };
}

/** The work between the kept items and the list: all of it plain data except the predicate. */
export interface ViewSpec {
  readonly filter: FilterSpec | null;
  readonly sort: readonly SortKey[] | null;
  readonly predicate: ActivityFilter | null;
}

/** Combines the feed's filters into one spec (`filter-user` and `filter-action` become clauses). */
export function viewSpec(
  clauses: readonly FilterClause[] | null,
  sort: readonly SortKey[] | null,
  user: string | null,
  action: string | null,
  predicate: ActivityFilter | null,
): ViewSpec {
  const all: FilterSpec[] = [...(clauses ?? [])];
  if (user) all.push({ any: [{ field: 'userId', op: '=', value: user }, { field: 'userName', op: '=', value: user }] });
  if (action) all.push({ field: 'action', op: '=', value: action });
  // Newest first by seq is the list's own order: no sort needed.
  const own = sort?.length === 1 && sort[0]!.field === 'seq' && sort[0]!.direction === 'desc';
  return { filter: all.length > 0 ? { all } : null, sort: sort && !own ? sort : null, predicate };
}

/** Whether the spec has work the pool can do (a predicate is a function and stays here). */
export function poolWork(spec: ViewSpec): boolean {
  return spec.filter !== null || spec.sort !== null;
}

function pick<T>(items: readonly T[], indices: Uint32Array): T[] {
  const out = new Array<T>(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = items[indices[i]!]!;
  return out;
}

/** Filters then sorts on this thread, with the functions the worker runs. */
export function deriveInline<T extends object>(items: readonly T[], spec: ViewSpec): readonly T[] {
  let out = items;
  if (spec.filter) {
    const fields: (string | undefined)[] = [];
    const filter = toWireFilter(spec.filter, (field) => {
      const index = fields.indexOf(field);
      if (index >= 0) return index;
      fields.push(field);
      return fields.length - 1;
    });
    const columns = fields.map((field) => extractColumn(out, field));
    out = pick(out, runTaskNow({ kind: 'filter', columns, filter, length: out.length, pickValues: false }) as Uint32Array);
  }
  if (spec.sort) {
    const keys = spec.sort;
    const columns = keys.map((key) => extractColumn(out, key.field));
    const directions = keys.map((key) => key.direction ?? 'asc');
    out = pick(out, runTaskNow({ kind: 'sort', columns, directions, length: out.length }) as Uint32Array);
  }
  return spec.predicate ? out.filter(spec.predicate as (item: T) => boolean) : out;
}

/** Filters then sorts in the pool; the predicate runs here on what comes back. */
export async function deriveInPool<T extends object>(
  ready: WorkerPool | Promise<WorkerPool>,
  items: readonly T[],
  spec: ViewSpec,
  signal: AbortSignal,
): Promise<readonly T[]> {
  const pool = await ready;
  const kept = spec.filter ? await pool.filter(items, spec.filter, { signal }) : items;
  const sorted = spec.sort ? await pool.sort(kept, spec.sort, { signal }) : kept;
  return spec.predicate ? sorted.filter(spec.predicate as (item: T) => boolean) : sorted;
}

// Feeds share one pool per key (one per page unless a subclass brings its own factory). Nothing
// is created at import: the first feed that needs a pool starts it, the last one to leave ends it.
interface SharedEntry {
  readonly ready: Promise<WorkerPool>;
  pool: WorkerPool | null;
  released: boolean;
  readonly users: Set<object>;
}
const shared = new Map<object, SharedEntry>();

/**
 * The pool shared under `key`, made by `create` for its first user. `create` may answer a promise
 * (the pool's module loaded on first need); a pool that arrives after its last user left is
 * terminated at once.
 */
export function acquireSharedPool(key: object, create: () => WorkerPool | Promise<WorkerPool>, user: object): Promise<WorkerPool> {
  let entry = shared.get(key);
  if (!entry) {
    const made = create();
    const ready = Promise.resolve(made);
    const created: SharedEntry = { ready, pool: made instanceof Promise ? null : made, released: false, users: new Set() };
    ready.then(
      (pool) => {
        created.pool = pool;
        if (created.released) pool.terminate();
      },
      // Each request reports the failure; nothing to end here.
      () => {},
    );
    entry = created;
    shared.set(key, entry);
  }
  entry.users.add(user);
  return entry.ready;
}

/** Lets go of a shared pool; the last user's release terminates it (rejecting what is pending). */
export function releaseSharedPool(key: object, user: object): void {
  const entry = shared.get(key);
  if (!entry || !entry.users.delete(user) || entry.users.size > 0) return;
  shared.delete(key);
  entry.released = true;
  entry.pool?.terminate();
}

/** Shared pools alive now (for leak checks). */
export function sharedPoolCount(): number {
  return shared.size;
}
