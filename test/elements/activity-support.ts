// Mounting and reading helpers shared by the <activity-feed> test files.
import { fixture } from '@open-wc/testing';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import '../../src/define/activity-feed.js';
import { ActivityFeed } from '../../src/elements/activity-feed/activity-feed.js';
import type { IntersectionObserverLike } from '../../src/elements/activity-feed/sentinel-watch.js';
import { FakeApi, FakeConnection, type FakeProvider, defineFakeProvider } from '../support/fakes.js';

export const providerTag = unsafeStatic(defineFakeProvider());

export interface MountOptions {
  /** `max` attribute; null leaves it out (the default applies). Default 1000. */
  readonly max?: number | null;
  readonly state?: 'open' | 'reconnecting';
  /** Extra attributes for the feed, as written in HTML (values are not escaped: tests only). */
  readonly attributes?: string;
  /** Tag of the feed (a subclass defined by the test). */
  readonly tag?: string;
}

/** A feed inside a fake provider, mounted and updated once; its first page is still in flight. */
export async function mountFeed(options: MountOptions = {}) {
  const connection = new FakeConnection(options.state ?? 'open');
  const api = new FakeApi();
  const tag = unsafeStatic(options.tag ?? 'activity-feed');
  const max = options.max === null ? '' : ` max="${options.max ?? 1000}"`;
  const attributes = unsafeStatic(`${max} ${options.attributes ?? ''}`);
  const provider = await fixture<FakeProvider>(
    staticHtml`<${providerTag} .connection=${connection} .api=${api}>
      <${tag} ${attributes}></${tag}>
    </${providerTag}>`,
  );
  const feed = provider.firstElementChild as ActivityFeed;
  await feed.updateComplete;
  return { connection, api, provider, feed };
}

/** Seqs of the rows in the DOM, top to bottom. */
export function shownSeqs(feed: ActivityFeed): number[] {
  return [...feed.shadowRoot!.querySelectorAll<HTMLElement>('[part="item"]')].map((item) => Number(item.dataset['seq']));
}

export function part(feed: ActivityFeed, name: string): HTMLElement | null {
  return feed.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`);
}

export function parts(feed: ActivityFeed, name: string): HTMLElement[] {
  return [...feed.shadowRoot!.querySelectorAll<HTMLElement>(`[part="${name}"]`)];
}

/** An IntersectionObserver the test drives: `intersect(true)` reports the sentinel in view. */
export class FakeIntersectionObserver implements IntersectionObserverLike {
  static created = 0;
  static live = new Set<FakeIntersectionObserver>();
  readonly targets: Element[] = [];
  readonly #callback: IntersectionObserverCallback;

  constructor(callback: IntersectionObserverCallback) {
    this.#callback = callback;
    FakeIntersectionObserver.created += 1;
    FakeIntersectionObserver.live.add(this);
  }

  observe(target: Element): void {
    this.targets.push(target);
  }

  disconnect(): void {
    this.targets.length = 0;
    FakeIntersectionObserver.live.delete(this);
  }

  intersect(isIntersecting: boolean): void {
    const entries = this.targets.map((target) => ({ target, isIntersecting }) as unknown as IntersectionObserverEntry);
    this.#callback(entries, this as unknown as IntersectionObserver);
  }

  /** The one observer watching now (fails the test when there is not exactly one). */
  static only(): FakeIntersectionObserver {
    const all = [...FakeIntersectionObserver.live];
    if (all.length !== 1) throw new Error(`expected one live observer, found ${all.length}`);
    return all[0]!;
  }
}

/**
 * An activity feed whose infinite-scroll observer the test drives: intersections are computed
 * only in rendered pages, and one of two parallel test pages is not.
 */
export const fakeIoTag = 'activity-feed-fake-io';
if (!customElements.get(fakeIoTag)) {
  customElements.define(
    fakeIoTag,
    class extends ActivityFeed {
      protected override createIntersectionObserver(callback: IntersectionObserverCallback): IntersectionObserverLike {
        return new FakeIntersectionObserver(callback);
      }
    },
  );
}
