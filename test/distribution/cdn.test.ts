// The CDN build as a page gets it: the built dist/cdn files (`npm test` builds them before the
// browser tests; alone, run `npm run build` first), loaded by URL, with their lazy chunks and the worker next to them.
import { expect } from '@open-wc/testing';

const ENTRY = '/dist/cdn/realtime-elements.js';

interface CdnModule {
  loadEditor(): Promise<unknown>;
  loadActivityFeed(): Promise<{ ActivityFeed: CustomElementConstructor }>;
}

interface PoolModule {
  WorkerPool: new () => {
    readonly mode: string;
    sort(rows: readonly object[], keys: readonly { field: string; direction?: 'asc' | 'desc' }[]): Promise<readonly { id: number }[]>;
    terminate(): void;
  };
}

/** The URL of the built chunk named `name-<hash>.js`, found by following imports from the entry. */
async function findChunk(name: string): Promise<string> {
  const seen = new Set([ENTRY]);
  const queue = [ENTRY];
  for (let url = queue.shift(); url; url = queue.shift()) {
    const code = await (await fetch(url)).text();
    for (const [, file] of code.matchAll(/["'`]\.\/([\w-]+\.js)["'`]/g)) {
      const next = `/dist/cdn/${file}`;
      if (file!.startsWith(`${name}-`)) return next;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  throw new Error(`no chunk ${name}-<hash>.js is reachable from the entry`);
}

describe('the CDN build', () => {
  let kit: CdnModule;

  before(async function () {
    const found = await fetch(ENTRY, { method: 'HEAD' });
    if (!found.ok) throw new Error(`no CDN build at ${ENTRY}: run \`npm run build\` (\`npm test\` builds it before the browser tests)`);
    kit = (await import(/* @vite-ignore */ ENTRY)) as CdnModule;
  });

  it('registers the provider, the badge and the notification feed on import', () => {
    for (const tag of ['realtime-provider', 'connection-badge', 'notification-feed']) {
      expect(customElements.get(tag), tag).to.be.a('function');
    }
  });

  it('loads and registers the activity feed when one appears in the document', async () => {
    const feed = document.createElement('activity-feed');
    document.body.append(feed);
    try {
      await customElements.whenDefined('activity-feed');
      expect(feed).to.be.instanceOf((await kit.loadActivityFeed()).ActivityFeed);
    } finally {
      feed.remove();
    }
  });

  it('loads the editor chunk with Yjs when asked and registers the editor', async () => {
    await kit.loadEditor();
    expect(customElements.get('collaborative-editor')).to.be.a('function');
  });

  it('starts the data worker from its file next to the chunks and sorts in it', async () => {
    const { WorkerPool } = (await import(/* @vite-ignore */ await findChunk('worker-pool'))) as PoolModule;
    const pool = new WorkerPool();
    try {
      const rows = Array.from({ length: 5000 }, (_, id) => ({ id, score: (id * 7919) % 10_007 }));
      const sorted = await pool.sort(rows, [{ field: 'score', direction: 'desc' }]);
      expect(pool.mode).to.equal('worker');
      expect(sorted.map((row) => row.id)).to.deep.equal([...rows].sort((a, b) => b.score - a.score || a.id - b.id).map((row) => row.id));
    } finally {
      pool.terminate();
    }
  });
});
