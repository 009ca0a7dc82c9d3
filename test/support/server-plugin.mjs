// A web-test-runner plugin that runs real reference servers for browser tests.
// Tests call `executeServerCommand('rt-server', { action })` (see test/support/server.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function realtimeServerPlugin() {
  /** @type {Map<string, { server: any, dataDir: string, options: object }>} */
  const servers = new Map();
  let nextId = 1;
  let startServer;

  async function load() {
    if (!startServer) ({ startServer } = await import('../../server/app.ts'));
    return startServer;
  }

  async function start(options = {}, port = 0, dataDir) {
    const start = await load();
    dataDir ??= await mkdtemp(path.join(tmpdir(), 'rt-test-'));
    const server = await start({ host: '127.0.0.1', port, dataDir, demo: true, log: () => {}, ...options });
    return { server, dataDir, options };
  }

  return {
    name: 'realtime-server',
    async executeCommand({ command, payload = {} }) {
      if (command !== 'rt-server') return undefined;
      const { action, id, options } = payload;
      if (action === 'start') {
        const entry = await start(options);
        const key = String(nextId++);
        servers.set(key, entry);
        return { id: key, url: entry.server.url };
      }
      const entry = servers.get(id);
      if (!entry) throw new Error(`rt-server: no server with id ${id}`);
      if (action === 'stop') {
        await entry.server.close();
        return { stopped: true };
      }
      if (action === 'restart') {
        const port = entry.server.port;
        await entry.server.close();
        const restarted = await start(entry.options, port, entry.dataDir);
        servers.set(id, restarted);
        return { id, url: restarted.server.url };
      }
      if (action === 'dispose') {
        await entry.server.close().catch(() => {});
        await rm(entry.dataDir, { recursive: true, force: true });
        servers.delete(id);
        return { disposed: true };
      }
      throw new Error(`rt-server: unknown action ${action}`);
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
