// CLI entry: `node --import tsx server/main.ts [--demo] [--build] [--port-default N]`.
// `--build` builds the kit into dist/ once the port is ours, so a busy port fails before any work.
// Environment: PORT, HOST, DATA_DIR, RT_DEMO, RT_PUBLISH_KEY, RT_ORIGINS (comma-separated),
// RT_BLOCK (comma-separated `websocket`, `sse`: refuse those transports, for fallback demos and tests).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, startServer } from './app.js';
import { isLoopbackHost } from './access.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Cli {
  readonly demo: boolean;
  readonly build: boolean;
  readonly portDefault: number;
}

function parseArgs(argv: readonly string[]): Cli {
  let demo = false;
  let build = false;
  let portDefault = 5173;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--demo') demo = true;
    else if (arg === '--build') build = true;
    else if (arg === '--port-default') portDefault = parsePort(argv[++i], '--port-default');
    else if (arg.startsWith('--port-default=')) portDefault = parsePort(arg.slice('--port-default='.length), '--port-default');
    else fail(`unknown argument ${arg}`);
  }
  return { demo, build, portDefault };
}

function parsePort(text: string | undefined, name: string): number {
  const port = Number(text);
  if (!text || !Number.isInteger(port) || port < 0 || port > 65535) fail(`${name} must be a port number (0-65535), got ${text ?? 'nothing'}`);
  return port;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function flag(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  const env = process.env;
  const port = env['PORT'] ? parsePort(env['PORT'], 'PORT') : cli.portDefault;
  const host = env['HOST'] || '127.0.0.1';
  const dataDir = path.resolve(env['DATA_DIR'] || './data');
  const demo = cli.demo || flag(env['RT_DEMO']);
  const publishKey = env['RT_PUBLISH_KEY'] || undefined;
  const origins = (env['RT_ORIGINS'] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const blocked = (env['RT_BLOCK'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  for (const name of blocked) if (name !== 'websocket' && name !== 'sse') fail(`RT_BLOCK: unknown transport ${name} (use websocket, sse)`);
  const block = { websocket: blocked.includes('websocket'), sse: blocked.includes('sse') };

  let server: RunningServer;
  try {
    server = await startServer({ port, host, dataDir, demo, publishKey, origins, block, staticDir: path.join(REPO_ROOT, 'demo') });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${port} is busy: set PORT to another port`);
    if (code === 'EACCES') fail(`port ${port} needs privileges: set PORT to a port above 1023`);
    fail(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (cli.build) {
    process.stdout.write('building the kit into dist/…\n');
    try {
      const { build } = await import('vite');
      await build({ root: REPO_ROOT, configFile: path.join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
    } catch (error) {
      await server.close();
      fail(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  process.stdout.write(`realtime-elements reference server on ${server.url}/${demo ? ' (demo mode)' : ''}\n`);
  if (!cli.build && !existsSync(path.join(REPO_ROOT, 'dist/cdn/realtime-elements.js'))) {
    process.stdout.write('dist/ holds no build: run `npm run build` first, then reload the page (or use `npm start`, which builds)\n');
  } else {
    process.stdout.write(`CDN example: ${server.url}/examples/cdn.html\n`);
  }
  if (blocked.length > 0) process.stdout.write(`RT_BLOCK: refusing ${blocked.join(', ')}\n`);
  if (!publishKey && (!demo || !isLoopbackHost(host))) {
    process.stdout.write('RT_PUBLISH_KEY is not set: POST /api/activities and /api/notifications are refused\n');
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    // Shutdown is bounded inside close(); this is a last resort should something hang.
    const force = setTimeout(() => process.exit(1), 2000);
    force.unref();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
