/**
 * The data processing behind `WorkerPool`: pure functions shared by the worker and the
 * main-thread fallback. Every operation is a generator that yields every `chunk` items, so the
 * worker runs it straight through and the fallback yields to the page between chunks.
 *
 * Values are primitives. In numeric columns `NaN` means "missing", like `null` and `undefined`:
 * sorts put missing values last (in either direction), aggregates skip them.
 */

export type Primitive = string | number | boolean | null;

export type FilterOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not-in' | 'contains' | 'starts-with';

export const FILTER_OPS: readonly FilterOp[] = ['=', '!=', '>', '>=', '<', '<=', 'in', 'not-in', 'contains', 'starts-with'];

/** One test on one field: `{ field: 'score', op: '>', value: 5 }`. No `field`: the item itself. */
export interface FilterClause {
  readonly field?: string;
  readonly op: FilterOp;
  readonly value: Primitive | readonly Primitive[];
}

/** A clause, or clauses that must all / any hold. An array is shorthand for `all`. */
export type FilterSpec = FilterClause | { readonly all: readonly FilterSpec[] } | { readonly any: readonly FilterSpec[] } | readonly FilterSpec[];

export type SortDirection = 'asc' | 'desc';

/** One sort key. No `field`: the item itself. */
export interface SortKey {
  readonly field?: string;
  readonly direction?: SortDirection;
}

export type SortSpec = SortKey | readonly SortKey[];

export type AggregateOp = 'count' | 'sum' | 'avg' | 'min' | 'max';

export const AGGREGATE_OPS: readonly AggregateOp[] = ['count', 'sum', 'avg', 'min', 'max'];

/**
 * `count` counts items (with a `field`: items where it is present); `sum`, `avg`, `min`, `max`
 * read a numeric field (no `field`: the item itself). `groupBy` adds one result per distinct value.
 */
export interface AggregateSpec {
  readonly op: AggregateOp;
  readonly field?: string;
  readonly groupBy?: string;
}

export interface AggregateGroup {
  readonly key: Primitive;
  readonly value: number | null;
  readonly count: number;
}

/**
 * `value` over all items and `count` of the values it read. Over no values: `count` 0, `sum` 0,
 * `avg`, `min` and `max` null. `groups` (with `groupBy`) in order of first appearance.
 */
export interface AggregateResult {
  readonly value: number | null;
  readonly count: number;
  readonly groups?: readonly AggregateGroup[];
}

/** A column as it travels: numbers packed for transfer (NaN = missing), anything else as primitives. */
export type Column = Float64Array | readonly Primitive[];

/** Numeric typed arrays the pool takes as data. */
export type NumericArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** A filter after fields became column numbers. */
export type WireFilter =
  | { readonly col: number; readonly op: FilterOp; readonly value: Primitive | readonly Primitive[] }
  | { readonly all: readonly WireFilter[] }
  | { readonly any: readonly WireFilter[] };

/** The work a request asks for: only plain data and typed arrays, so it can cross to a worker. */
export type DataTask =
  | { readonly kind: 'sort-values'; readonly values: NumericArray; readonly direction: SortDirection }
  | { readonly kind: 'sort'; readonly columns: readonly Column[]; readonly directions: readonly SortDirection[]; readonly length: number }
  | { readonly kind: 'filter'; readonly columns: readonly Column[]; readonly filter: WireFilter; readonly length: number; readonly pickValues: boolean }
  | { readonly kind: 'aggregate'; readonly op: AggregateOp; readonly values: Column | null; readonly groups: Column | null; readonly length: number };

/** What a task answers: a sorted array, kept or ordered indices (or values), or an aggregate. */
export type DataResult = NumericArray | Uint32Array | AggregateResult;

/** A spec or payload that is not plain data, or names no valid operation. */
export class DataSpecError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'DataSpecError';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object') return `a ${typeof value}`;
  if (Array.isArray(value)) return 'an array';
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name && name !== 'Object' ? `a ${name} instance` : 'an object';
}

/** True for `{}`-style objects from any realm (not class instances, arrays, dates or maps). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function isPrimitive(value: unknown): value is Primitive {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function plainKeys(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new DataSpecError(`${path} must be plain data such as { field: 'score', op: '>', value: 5 }, not ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new DataSpecError(`${path}.${key} is not a known key (${allowed.join(', ')})`);
  }
  return value;
}

function optionalField(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new DataSpecError(`${path} must be a non-empty string, not ${describe(value)}`);
  return value;
}

/** Checks a filter spec given by the page; names the first bad part. */
export function validateFilter(spec: unknown, path = 'filter'): FilterSpec {
  if (Array.isArray(spec)) {
    spec.forEach((item, index) => validateFilter(item, `${path}[${index}]`));
    return spec as FilterSpec;
  }
  if (isPlainObject(spec) && ('all' in spec || 'any' in spec)) {
    const key = 'all' in spec ? 'all' : 'any';
    const list = plainKeys(spec, path, [key])[key];
    if (!Array.isArray(list)) throw new DataSpecError(`${path}.${key} must be an array of filters`);
    list.forEach((item, index) => validateFilter(item, `${path}.${key}[${index}]`));
    return spec as FilterSpec;
  }
  const clause = plainKeys(spec, path, ['field', 'op', 'value']);
  optionalField(clause.field, `${path}.field`);
  if (!FILTER_OPS.includes(clause.op as FilterOp)) throw new DataSpecError(`${path}.op must be one of ${FILTER_OPS.join(' ')}, not ${String(clause.op)}`);
  const op = clause.op as FilterOp;
  const value = clause.value;
  if (op === 'in' || op === 'not-in') {
    if (!Array.isArray(value) || !value.every(isPrimitive)) throw new DataSpecError(`${path}.value must be an array of strings, numbers, booleans or null for ${op}`);
  } else if (!isPrimitive(value)) {
    throw new DataSpecError(`${path}.value must be a string, number, boolean or null, not ${describe(value)}`);
  } else if ((op === 'contains' || op === 'starts-with') && typeof value !== 'string') {
    throw new DataSpecError(`${path}.value must be a string for ${op}`);
  }
  return clause as unknown as FilterClause;
}

/** Checks a sort spec; answers the keys as a list. */
export function validateSort(spec: unknown, path = 'sort'): readonly SortKey[] {
  const keys = Array.isArray(spec) ? spec : [spec];
  if (keys.length === 0) throw new DataSpecError(`${path} needs at least one key`);
  return keys.map((key, index) => {
    const where = Array.isArray(spec) ? `${path}[${index}]` : path;
    const checked = plainKeys(key, where, ['field', 'direction']);
    optionalField(checked.field, `${where}.field`);
    if (checked.direction !== undefined && checked.direction !== 'asc' && checked.direction !== 'desc') {
      throw new DataSpecError(`${where}.direction must be asc or desc`);
    }
    return checked as SortKey;
  });
}

/** Checks an aggregate spec. */
export function validateAggregate(spec: unknown, path = 'aggregate'): AggregateSpec {
  const checked = plainKeys(spec, path, ['op', 'field', 'groupBy']);
  if (!AGGREGATE_OPS.includes(checked.op as AggregateOp)) {
    throw new DataSpecError(`${path}.op must be one of ${AGGREGATE_OPS.join(' ')}, not ${String(checked.op)}`);
  }
  optionalField(checked.field, `${path}.field`);
  optionalField(checked.groupBy, `${path}.groupBy`);
  return checked as unknown as AggregateSpec;
}

/** True for the numeric typed arrays the pool takes (not DataViews or BigInt arrays). */
export function isNumericArray(value: unknown): value is NumericArray {
  return (
    value instanceof Float64Array ||
    value instanceof Float32Array ||
    value instanceof Int32Array ||
    value instanceof Uint32Array ||
    value instanceof Int16Array ||
    value instanceof Uint16Array ||
    value instanceof Int8Array ||
    value instanceof Uint8Array
  );
}

/**
 * Reads one field of every item into a column (no field: the item itself). Items must be plain
 * objects (or primitives when no field is named) and the values primitives: a class instance is
 * refused here, with its place named, rather than silently cloned into a plain object.
 */
export function extractColumn(items: readonly unknown[], field: string | undefined): Column {
  const n = items.length;
  const numbers = new Float64Array(n);
  let mixed: Primitive[] | null = null;
  // Rows usually share one prototype: check it once rather than twice per row.
  let plainProto: object | null | undefined;
  for (let i = 0; i < n; i++) {
    const item = items[i];
    let value: unknown;
    if (field === undefined) {
      value = item;
    } else {
      const proto = typeof item === 'object' && item !== null ? (Object.getPrototypeOf(item) as object | null) : undefined;
      if (proto !== plainProto || proto === undefined) {
        if (!isPlainObject(item)) throw new DataSpecError(`items[${i}] must be a plain object, not ${describe(item)}`);
        plainProto = proto;
      }
      value = (item as Record<string, unknown>)[field];
    }
    if (typeof value === 'number') {
      if (mixed) mixed[i] = value;
      else numbers[i] = value;
      continue;
    }
    if (value === undefined || value === null) {
      if (mixed) mixed[i] = null;
      else numbers[i] = Number.NaN;
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'boolean') {
      const where = field === undefined ? `items[${i}]` : `items[${i}].${field}`;
      throw new DataSpecError(`${where} must be a string, number, boolean or null, not ${describe(value)}`);
    }
    if (!mixed) {
      mixed = new Array<Primitive>(n);
      for (let j = 0; j < i; j++) mixed[j] = numbers[j] !== numbers[j] ? null : numbers[j]!;
    }
    mixed[i] = value;
  }
  return mixed ?? numbers;
}

/** Index of the first value in a column that is neither a number nor missing, or -1. */
export function firstNonNumber(column: Column): number {
  if (column instanceof Float64Array) return -1;
  return column.findIndex((value) => value !== null && typeof value !== 'number');
}

// ---------------------------------------------------------------------------------------------
// Sorting

type Comparator = (a: number, b: number) => number;

/** Missing values last in either direction; numbers, then strings, then booleans. */
function rank(value: Primitive | undefined): number {
  if (value === null || value === undefined || value !== value) return 3;
  return typeof value === 'number' ? 0 : typeof value === 'string' ? 1 : 2;
}

function keyComparator(column: Column, direction: SortDirection): Comparator {
  const sign = direction === 'desc' ? -1 : 1;
  if (column instanceof Float64Array) {
    return (i, j) => {
      const a = column[i]!;
      const b = column[j]!;
      if (a === b) return 0;
      if (a !== a) return b !== b ? 0 : 1;
      if (b !== b) return -1;
      return a < b ? -sign : sign;
    };
  }
  return (i, j) => {
    const a = column[i];
    const b = column[j];
    if (a === b) return 0;
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra === 3 || rb === 3 ? ra - rb : (ra - rb) * sign;
    if (ra === 3) return 0;
    return (a as string | number | boolean) < (b as string | number | boolean) ? -sign : sign;
  };
}

/** Sorts runs of `chunk` with `sortRun`, yielding after each, then merges them pairwise. */
function* chunkedSort<A extends NumericArray>(data: A, sortRun: (run: A) => void, less: (a: number, b: number) => boolean, chunk: number): Generator<void, A> {
  const n = data.length;
  if (n <= chunk) {
    sortRun(data);
    return data;
  }
  for (let start = 0; start < n; start += chunk) {
    sortRun(data.subarray(start, Math.min(n, start + chunk)) as A);
    yield;
  }
  let source = data;
  let target = new (data.constructor as new (length: number) => A)(n);
  let budget = chunk;
  for (let width = chunk; width < n; width *= 2) {
    for (let low = 0; low < n; low += 2 * width) {
      const middle = Math.min(low + width, n);
      const high = Math.min(low + 2 * width, n);
      let i = low;
      let j = middle;
      let k = low;
      while (i < middle && j < high) {
        // Ties take the left run first: merging stays stable.
        target[k++] = less(source[j]!, source[i]!) ? source[j++]! : source[i++]!;
        if (--budget === 0) {
          budget = chunk;
          yield;
        }
      }
      while (i < middle) target[k++] = source[i++]!;
      while (j < high) target[k++] = source[j++]!;
    }
    [source, target] = [target, source];
  }
  return source;
}

const lessNumber = (a: number, b: number): boolean => a < b || (b !== b && a === a);

function* sortValues(values: NumericArray, direction: SortDirection, chunk: number): Generator<void, NumericArray> {
  const sorted = yield* chunkedSort(values, (run) => run.sort(), lessNumber, chunk);
  if (direction === 'desc') {
    // Reverse only the numbers: NaN stays last.
    let end = sorted.length;
    while (end > 0 && sorted[end - 1] !== sorted[end - 1]) end -= 1;
    sorted.subarray(0, end).reverse();
  }
  return sorted;
}

function* sortIndices(columns: readonly Column[], directions: readonly SortDirection[], length: number, chunk: number): Generator<void, Uint32Array> {
  const order = new Uint32Array(length);
  for (let i = 0; i < length; i++) order[i] = i;
  const comparators = columns.map((column, index) => keyComparator(column, directions[index] ?? 'asc'));
  const single = comparators.length === 1 ? comparators[0]! : null;
  // Equal keys keep their original order (the index breaks the tie), in the worker and in chunks.
  const compare: Comparator = single
    ? (a, b) => single(a, b) || a - b
    : (a, b) => {
        for (const comparator of comparators) {
          const result = comparator(a, b);
          if (result !== 0) return result;
        }
        return a - b;
      };
  return yield* chunkedSort(order, (run) => run.sort(compare), (a, b) => compare(a, b) < 0, chunk);
}

// ---------------------------------------------------------------------------------------------
// Filtering

type Predicate = (index: number) => boolean;

function clausePredicate(column: Column, op: FilterOp, expected: Primitive | readonly Primitive[]): Predicate {
  const read = (index: number): Primitive => {
    const value = column[index];
    return value === undefined || (typeof value === 'number' && value !== value) ? null : value;
  };
  const comparable = (a: Primitive, b: Primitive): boolean => a !== null && b !== null && typeof a === typeof b;
  switch (op) {
    case '=':
      return (i) => read(i) === expected;
    case '!=':
      return (i) => read(i) !== expected;
    case '>':
      return (i) => {
        const value = read(i);
        return comparable(value, expected as Primitive) && (value as number) > (expected as number);
      };
    case '>=':
      return (i) => {
        const value = read(i);
        return comparable(value, expected as Primitive) && (value as number) >= (expected as number);
      };
    case '<':
      return (i) => {
        const value = read(i);
        return comparable(value, expected as Primitive) && (value as number) < (expected as number);
      };
    case '<=':
      return (i) => {
        const value = read(i);
        return comparable(value, expected as Primitive) && (value as number) <= (expected as number);
      };
    case 'in': {
      const set = new Set(expected as readonly Primitive[]);
      return (i) => set.has(read(i));
    }
    case 'not-in': {
      const set = new Set(expected as readonly Primitive[]);
      return (i) => !set.has(read(i));
    }
    case 'contains':
      return (i) => {
        const value = read(i);
        return typeof value === 'string' && value.includes(expected as string);
      };
    case 'starts-with':
      return (i) => {
        const value = read(i);
        return typeof value === 'string' && value.startsWith(expected as string);
      };
  }
}

function compileFilter(filter: WireFilter, columns: readonly Column[]): Predicate {
  if ('all' in filter) {
    const parts = filter.all.map((part) => compileFilter(part, columns));
    return (i) => parts.every((part) => part(i));
  }
  if ('any' in filter) {
    const parts = filter.any.map((part) => compileFilter(part, columns));
    return (i) => parts.some((part) => part(i));
  }
  const column = columns[filter.col];
  if (!column) throw new DataSpecError(`filter refers to column ${filter.col}, which was not sent`);
  return clausePredicate(column, filter.op, filter.value);
}

/**
 * Turns a page's filter into one over column numbers, collecting the fields it reads in order.
 * `fieldIndex` answers the column number of a field (no field: the item itself).
 */
export function toWireFilter(spec: FilterSpec, fieldIndex: (field: string | undefined) => number): WireFilter {
  if (Array.isArray(spec)) return { all: spec.map((part: FilterSpec) => toWireFilter(part, fieldIndex)) };
  const object = spec as Exclude<FilterSpec, readonly FilterSpec[]>;
  if ('all' in object) return { all: object.all.map((part) => toWireFilter(part, fieldIndex)) };
  if ('any' in object) return { any: object.any.map((part) => toWireFilter(part, fieldIndex)) };
  return { col: fieldIndex(object.field), op: object.op, value: object.value };
}

function* filterIndices(task: Extract<DataTask, { kind: 'filter' }>, chunk: number): Generator<void, NumericArray | Uint32Array> {
  const predicate = compileFilter(task.filter, task.columns);
  const kept = new Uint32Array(task.length);
  let count = 0;
  let budget = chunk;
  for (let i = 0; i < task.length; i++) {
    if (predicate(i)) kept[count++] = i;
    if (--budget === 0) {
      budget = chunk;
      yield;
    }
  }
  const source = task.columns[0];
  if (task.pickValues && source instanceof Float64Array) {
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) values[i] = source[kept[i]!]!;
    return values;
  }
  return kept.slice(0, count);
}

// ---------------------------------------------------------------------------------------------
// Aggregates

interface Accumulator {
  count: number;
  sum: number;
  min: number;
  max: number;
}

const newAccumulator = (): Accumulator => ({ count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY });

function finish(op: AggregateOp, acc: Accumulator): number | null {
  switch (op) {
    case 'count':
      return acc.count;
    case 'sum':
      return acc.sum;
    case 'avg':
      return acc.count === 0 ? null : acc.sum / acc.count;
    case 'min':
      return acc.count === 0 ? null : acc.min;
    case 'max':
      return acc.count === 0 ? null : acc.max;
  }
}

function* aggregate(task: Extract<DataTask, { kind: 'aggregate' }>, chunk: number): Generator<void, AggregateResult> {
  const { op, values, groups, length } = task;
  const total = newAccumulator();
  const byKey = groups ? new Map<Primitive, Accumulator>() : null;
  let budget = chunk;
  // A loop, never Math.min(...values): spreading ten million arguments throws a RangeError.
  for (let i = 0; i < length; i++) {
    let value = 0;
    let present = true;
    if (values) {
      const raw = values[i];
      present = typeof raw === 'number' && raw === raw;
      value = present ? (raw as number) : 0;
    }
    if (present) {
      total.count += 1;
      total.sum += value;
      if (value < total.min) total.min = value;
      if (value > total.max) total.max = value;
    }
    if (byKey && groups) {
      const rawKey = groups[i];
      const key: Primitive = rawKey === undefined || (typeof rawKey === 'number' && rawKey !== rawKey) ? null : rawKey;
      let acc = byKey.get(key);
      if (!acc) {
        acc = newAccumulator();
        byKey.set(key, acc);
      }
      if (present) {
        acc.count += 1;
        acc.sum += value;
        if (value < acc.min) acc.min = value;
        if (value > acc.max) acc.max = value;
      }
    }
    if (--budget === 0) {
      budget = chunk;
      yield;
    }
  }
  const result: AggregateResult = { value: finish(op, total), count: total.count };
  if (!byKey) return result;
  return { ...result, groups: [...byKey].map(([key, acc]) => ({ key, value: finish(op, acc), count: acc.count })) };
}

/**
 * Runs a task. `chunk` is how many items to handle between yields: `Infinity` in the worker, a
 * few tens of thousands on the main thread. Sorting may work in place on the task's arrays.
 */
export function runTask(task: DataTask, chunk = Number.POSITIVE_INFINITY): Generator<void, DataResult> {
  switch (task.kind) {
    case 'sort-values':
      return sortValues(task.values, task.direction, chunk);
    case 'sort':
      return sortIndices(task.columns, task.directions, task.length, chunk);
    case 'filter':
      return filterIndices(task, chunk);
    case 'aggregate':
      return aggregate(task, chunk);
    default:
      throw new DataSpecError(`unknown task ${String((task as { kind?: unknown }).kind)}`);
  }
}

/** Runs a task to the end without yielding. */
export function runTaskNow(task: DataTask): DataResult {
  const steps = runTask(task);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The typed arrays in a result, to transfer rather than copy. */
export function transferablesOf(result: DataResult): Transferable[] {
  return ArrayBuffer.isView(result) && result.buffer instanceof ArrayBuffer ? [result.buffer] : [];
}
