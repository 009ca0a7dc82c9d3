/** What an {@link ActivityList} orders and deduplicates by. */
export interface Sequenced {
  readonly seq: number;
}

/** One page as the REST API returns it: newest first; `next` is the `before=` of the following page. */
export interface SequencedPage<T extends Sequenced> {
  readonly items: readonly T[];
  readonly next: number | null;
}

/**
 * The items of a feed, newest first, each `seq` once, at most `limit` of them: the first page,
 * older pages and live events all merge here (C12).
 *
 * What it holds is always one unbroken stretch of the server's log: the first page is the newest,
 * live events continue it, older pages extend it downwards, and trimming only cuts its oldest end.
 * So the cursor for the next older page is the oldest kept `seq` whenever anything may lie below.
 *
 * Costs: a batch of k items that are already in order (live events ascending, pages descending)
 * is merged in O(k) plus one O(n) copy of the list, never a sort of the whole list; out-of-order
 * batches are sorted on their own (O(k log k)) and merged in O(n + k).
 */
export class ActivityList<T extends Sequenced> {
  readonly #seqs = new Set<number>();
  #items: T[] = [];
  #cap: number;
  #limit: number;
  #next: number | null = null;

  constructor(cap: number) {
    this.#cap = cap;
    this.#limit = cap;
  }

  /** Newest first. A new array after every change, so views can compare by identity. */
  get items(): readonly T[] {
    return this.#items;
  }

  get size(): number {
    return this.#items.length;
  }

  /** The `before=` cursor for the next older page, or null when nothing older is known to exist. */
  get next(): number | null {
    return this.#next;
  }

  /** Most items kept (older pages the user asked for may raise the bound, see {@link mergePage}). */
  get limit(): number {
    return this.#limit;
  }

  /** Sets the bound back to `cap` and trims at once if needed. */
  setCap(cap: number): void {
    this.#cap = cap;
    this.#limit = cap;
    if (this.#items.length > cap) {
      const items = this.#items.slice();
      this.#trim(items);
      this.#items = items;
    }
  }

  has(seq: number): boolean {
    return this.#seqs.has(seq);
  }

  /** Merges live events (any order, repeats allowed). Returns how many were new. */
  merge(incoming: readonly T[]): number {
    return this.#merge(incoming, false);
  }

  /**
   * Merges a page and takes its cursor. An older page (`older: true`) was asked for by the user,
   * so the bound grows to keep it instead of trimming it away at once.
   */
  mergePage(page: SequencedPage<T>, older: boolean): number {
    this.#next = page.next;
    const added = this.#merge(page.items, older);
    // A first page may overlap items already held (live events, or pages of a previous answer):
    // the stretch held reaches down to the oldest kept item, whatever the page's own cursor says.
    const oldest = this.#items.at(-1);
    if (this.#next !== null && oldest && oldest.seq < this.#next) this.#next = oldest.seq;
    return added;
  }

  /** Forgets everything (the server reset its log). */
  clear(): void {
    this.#seqs.clear();
    this.#items = [];
    this.#limit = this.#cap;
    this.#next = null;
  }

  #merge(incoming: readonly T[], grow: boolean): number {
    const fresh: T[] = [];
    let ascending = true;
    let descending = true;
    for (const item of incoming) {
      if (this.#seqs.has(item.seq)) continue;
      this.#seqs.add(item.seq);
      const last = fresh[fresh.length - 1];
      if (last) {
        if (item.seq > last.seq) descending = false;
        else ascending = false;
      }
      fresh.push(item);
    }
    if (fresh.length === 0) return 0;
    // Live events come in ascending order and pages in descending order: no sort for either.
    if (!descending) {
      if (ascending) fresh.reverse();
      else fresh.sort((a, b) => b.seq - a.seq);
    }
    const current = this.#items;
    let merged: T[];
    if (current.length === 0) merged = fresh;
    else if (fresh[fresh.length - 1]!.seq > current[0]!.seq) merged = fresh.concat(current);
    else if (fresh[0]!.seq < current[current.length - 1]!.seq) merged = current.concat(fresh);
    else merged = mergeDescending(current, fresh);
    if (grow) this.#limit = Math.max(this.#limit, merged.length);
    this.#trim(merged);
    this.#items = merged;
    return fresh.length;
  }

  #trim(items: T[]): void {
    if (items.length <= this.#limit) return;
    for (const dropped of items.splice(this.#limit)) this.#seqs.delete(dropped.seq);
    // Something older now exists on the server only: the next older page starts below what is kept.
    this.#next = items[items.length - 1]!.seq;
  }
}

/** Merges two lists sorted newest first with no `seq` in common. */
function mergeDescending<T extends Sequenced>(a: readonly T[], b: readonly T[]): T[] {
  const out = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]!.seq > b[j]!.seq ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
