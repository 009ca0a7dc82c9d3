/**
 * A map that keeps at most `capacity` keys, the oldest leaving first: the memory of ids seen
 * lately (repeats, replays, echoes of our own messages).
 *
 * A plain `Map` used this way (`map.delete(map.keys().next().value)`) gets slow under a stream:
 * every deleted slot stays in V8's table until it rehashes, and each `keys().next()` walks over
 * all of them (2 µs a call at 4,096 keys, measured at 10,000 events a second). Here the order is
 * a queue of keys and values beside a map of each key's position in it; a key set again, or
 * deleted, leaves its old queue entry stale, and eviction skips stale entries.
 */
export class RecentKeys<K, V = true> {
  readonly #capacity: number;
  /** Key → its position: the index in the queue plus {@link #base}. */
  readonly #positions = new Map<K, number>();
  #keys: K[] = [];
  #values: (V | undefined)[] = [];
  /** Position of the queue's first entry (the queue drops its head now and then). */
  #base = 0;
  /** Index of the oldest entry that may still be live. */
  #head = 0;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`RecentKeys: capacity must be at least 1, got ${capacity}`);
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#positions.size;
  }

  has(key: K): boolean {
    return this.#positions.has(key);
  }

  get(key: K): V | undefined {
    const position = this.#positions.get(key);
    return position === undefined ? undefined : this.#values[position - this.#base];
  }

  /**
   * Stores `value` under `key`. A new key, or any key with `refresh`, becomes the newest; without
   * it a known key keeps its place (like `Set.add`). The oldest keys leave past the capacity.
   * Answers whether `key` was new.
   */
  set(key: K, value: V, refresh = false): boolean {
    const position = this.#positions.get(key);
    if (position !== undefined) {
      if (!refresh) {
        this.#values[position - this.#base] = value;
        return false;
      }
      this.#values[position - this.#base] = undefined;
    }
    this.#positions.set(key, this.#base + this.#keys.length);
    this.#keys.push(key);
    this.#values.push(value);
    while (this.#positions.size > this.#capacity) {
      const index = this.#head++;
      const oldest = this.#keys[index]!;
      if (this.#positions.get(oldest) === this.#base + index) this.#positions.delete(oldest);
      this.#values[index] = undefined;
    }
    if (this.#head > this.#capacity || this.#keys.length > 4 * this.#capacity) this.#compact();
    return position === undefined;
  }

  /** Adds `key` as the newest unless known (for a set of keys); answers whether it was new. */
  add(this: RecentKeys<K, true>, key: K): boolean {
    return this.set(key, true);
  }

  delete(key: K): boolean {
    const position = this.#positions.get(key);
    if (position === undefined) return false;
    this.#values[position - this.#base] = undefined;
    return this.#positions.delete(key);
  }

  clear(): void {
    this.#positions.clear();
    this.#keys = [];
    this.#values = [];
    this.#head = 0;
  }

  keys(): IterableIterator<K> {
    return this.#positions.keys();
  }

  [Symbol.iterator](): IterableIterator<K> {
    return this.#positions.keys();
  }

  /**
   * Drops the queue's head (evicted entries); when stale entries (refreshed or deleted keys) fill
   * most of it, keeps only live ones and renumbers them. Either way it runs at most once per
   * `capacity` sets, so each set stays constant time on average.
   */
  #compact(): void {
    if (this.#keys.length - this.#head <= 2 * this.#capacity) {
      this.#keys = this.#keys.slice(this.#head);
      this.#values = this.#values.slice(this.#head);
      this.#base += this.#head;
      this.#head = 0;
      return;
    }
    const keys: K[] = [];
    const values: (V | undefined)[] = [];
    const base = this.#base + this.#keys.length;
    for (let index = this.#head; index < this.#keys.length; index++) {
      const key = this.#keys[index]!;
      if (this.#positions.get(key) !== this.#base + index) continue;
      this.#positions.set(key, base + keys.length);
      keys.push(key);
      values.push(this.#values[index]);
    }
    this.#keys = keys;
    this.#values = values;
    this.#base = base;
    this.#head = 0;
  }
}
