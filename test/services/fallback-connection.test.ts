// FallbackConnection in a real browser against a real reference server with transports blocked:
// the browser's own failed WebSocket upgrade, fetch streams and the provider's reflected transport.
import { expect, fixtureSync, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/define/realtime-provider.js';
import type { RealtimeProvider } from '../../src/elements/realtime-provider/realtime-provider.js';
import { FallbackConnection } from '../../src/services/fallback-connection.js';
import { RestApi } from '../../src/services/rest-api.js';

interface BlockedServer {
  url: string;
  dispose(): Promise<void>;
}

/** The test-server plugin passes its options on to `startServer`, `block` included. */
async function startBlocked(block: { websocket?: boolean; sse?: boolean }): Promise<BlockedServer> {
  const started = await executeServerCommand<{ id: string; url: string }, { action: string; options: object }>('rt-server', {
    action: 'start',
    options: { block },
  });
  if (!started) throw new Error('the realtime-server plugin is not loaded');
  return {
    url: started.url,
    dispose: async () => void (await executeServerCommand('rt-server', { action: 'dispose', id: started.id })),
  };
}

describe('FallbackConnection in the browser', () => {
  const cleanup: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const done of cleanup.splice(0).reverse()) await done();
  });

  for (const [block, expected] of [
    [{ websocket: true }, 'sse'],
    [{ websocket: true, sse: true }, 'polling'],
  ] as const) {
    it(`ends on ${expected} when ${Object.keys(block).join(' and ')} blocked, and receives published events`, async () => {
      const server = await startBlocked(block);
      cleanup.push(() => server.dispose());
      const connection = new FallbackConnection({
        url: server.url.replace(/^http/, 'ws') + '/ws',
        events: server.url + '/api/events',
        api: server.url + '/api',
        user: { id: 'browser-user' },
        backoff: { baseMs: 20, maxMs: 100 },
        stepDownAfter: 2,
        pollIntervalMs: 50,
      });
      const seqs: number[] = [];
      connection.on('activity.new', (frame) => seqs.push(frame.seq!));
      cleanup.push(() => connection.close());
      connection.connect();
      await waitUntil(() => connection.status.state === 'open', 'open', { timeout: 5_000 });
      expect(connection.transport).to.equal(expected);
      const api = new RestApi({ base: server.url + '/api' });
      const created = [await api.publishActivity({ userName: 'Ada', action: 'a', target: '1' }), await api.publishActivity({ userName: 'Ada', action: 'a', target: '2' })];
      await waitUntil(() => seqs.length === 2, 'two events', { timeout: 5_000 });
      expect(seqs).to.deep.equal(created.map((item) => item.seq));
    });
  }

  it('<realtime-provider> reflects transport="sse" when WebSocket is blocked', async () => {
    const server = await startBlocked({ websocket: true });
    cleanup.push(() => server.dispose());
    const el = fixtureSync<RealtimeProvider>(html`<realtime-provider url=${server.url + '/ws'} events=${server.url + '/api/events'} api=${server.url + '/api'}></realtime-provider>`);
    cleanup.push(() => el.remove());
    // Default step-down: 3 failed attempts in a row (waits drawn from 3 s, then 6 s) or 10 s without
    // opening, whichever comes first; then SSE has to open.
    await waitUntil(() => el.getAttribute('transport') === 'sse' && el.getAttribute('state') === 'open', 'provider on sse', { timeout: 15_000 });
  });
});
