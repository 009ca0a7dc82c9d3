// A web-test-runner plugin for the shared-connection tests: real reference servers (as in
// server-plugin.mjs) that also report their live connection count and, in `auth` mode, accept only
// tokens starting with `tok-` and refuse the ones a test marks as expired.
// Browser side: test/support/shared-server.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Publishers send `Authorization: Bearer` with this key in `auth` mode (demo mode needs none). */
export const SHARED_PUBLISH_KEY = 'shared-test-publish-key';

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function sharedServerPlugin() {
  /** @type {Map<string, { server: any, dataDir: string, refused: Set<string>, options: object }>} */
  const servers = new Map();
  let nextId = 1;

  async function listen(options, port) {
    const { startServer } = await import('../../server/app.ts');
    return startServer({ ...options, port });
  }

  return {
    name: 'realtime-shared-server',
    async executeCommand({ command, payload = {} }) {
      if (command !== 'rt-shared-server') return undefined;
      const { action, id } = payload;
      if (action === 'start') {
        const dataDir = await mkdtemp(path.join(tmpdir(), 'rt-shared-'));
        const refused = new Set();
        const auth = payload.auth
          ? {
              demo: false,
              origins: [String(payload.origin)],
              publishKey: SHARED_PUBLISH_KEY,
              authenticate: (token) => (token.startsWith('tok-') && !refused.has(token) ? { id: 'u-shared' } : null),
            }
          : { demo: true };
        const options = { host: '127.0.0.1', dataDir, log: () => {}, ...auth };
        const server = await listen(options, 0);
        const key = `s${nextId++}`;
        servers.set(key, { server, dataDir, refused, options });
        return { id: key, url: server.url };
      }
      const entry = servers.get(id);
      if (!entry) throw new Error(`rt-shared-server: no server with id ${id}`);
      if (action === 'restart') {
        // Every connection drops at the same moment; the log and the refused tokens stay.
        const port = entry.server.port;
        await entry.server.close();
        entry.server = await listen(entry.options, port);
        return { url: entry.server.url };
      }
      if (action === 'connections') return entry.server.connections();
      if (action === 'refuse') {
        entry.refused.add(String(payload.token));
        return { refused: [...entry.refused] };
      }
      if (action === 'dispose') {
        await entry.server.close().catch(() => {});
        await rm(entry.dataDir, { recursive: true, force: true });
        servers.delete(id);
        return { disposed: true };
      }
      throw new Error(`rt-shared-server: unknown action ${action}`);
    },
    async serverStop() {
      for (const { server, dataDir } of servers.values()) {
        await server.close().catch(() => {});
        await rm(dataDir, { recursive: true, force: true });
      }
      servers.clear();
    },
  };
}
