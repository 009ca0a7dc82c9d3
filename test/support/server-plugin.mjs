// A web-test-runner plugin that runs real reference servers for browser tests.
// Tests call `executeServerCommand('rt-server', { action })` (see test/support/server.ts): in-process
// servers, closed and started again for a restart. For chaos tests, `executeServerCommand('rt-chaos', …)`
// runs the server as a child process (`node --import tsx server/main.ts`) that can be SIGKILLed and
// respawned on the same port and data directory, and a Node-side publisher that keeps publishing
// numbered items through the kills.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const READY_LINE = /reference server on (http:\/\/127\.0\.0\.1:(\d+))\//;
const SPAWN_TIMEOUT_MS = 15_000;
const ITEM_DEADLINE_MS = 30_000;
// The browser side of a server command gives up after 20 s, so long runs are awaited in slices.
const RESULT_SLICE_MS = 15_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator, so kill timings repeat from run to run. */
function seeded(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One reference server running as a child process: `start()` spawns it (port 0 the first time,
 * then the same port), `kill()` SIGKILLs it and waits for the exit.
 */
function createChild({ dataDir, block }) {
  let child = null;
  let port = 0;
  let url = null;
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString()).slice(-2000);
  };

  async function start() {
    const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, RT_DEMO: '1' };
    delete env.RT_PUBLISH_KEY;
    delete env.RT_ORIGINS;
    delete env.RT_BLOCK;
    const blocked = [block?.websocket ? 'websocket' : null, block?.sse ? 'sse' : null].filter(Boolean);
    if (blocked.length > 0) env.RT_BLOCK = blocked.join(',');
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stderr.on('data', keep);
    await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error('did not start in time')), SPAWN_TIMEOUT_MS);
      const onData = (chunk) => {
        keep(chunk);
        out += chunk.toString();
        const match = READY_LINE.exec(out);
        if (!match) return;
        done();
        url = match[1];
        port = Number(match[2]);
        // Drain the rest so a full pipe never blocks the child.
        proc.stdout.on('data', keep);
        resolve();
      };
      const onExit = (code, signal) => fail(new Error(`exited during start (${signal ?? code})`));
      const done = () => {
        clearTimeout(timer);
        proc.stdout.off('data', onData);
        proc.off('exit', onExit);
      };
      const fail = (error) => {
        done();
        proc.kill('SIGKILL');
        reject(new Error(`chaos server ${error.message}: ${tail}`));
      };
      proc.stdout.on('data', onData);
      proc.once('exit', onExit);
    });
    // The ready line follows listen(); /healthz proves requests are served.
    const health = await (await fetch(`${url}/healthz`)).json();
    return health;
  }

  async function kill() {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  }

  return {
    start,
    kill,
    get url() {
      return url;
    },
    get alive() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    get tail() {
      return tail;
    },
  };
}

/** POSTs until a 201 arrives (same Idempotency-Key on every try); counts the extra tries. */
async function publishItem(entry, path, body, key, figures) {
  const deadline = Date.now() + ITEM_DEADLINE_MS;
  for (let attempt = 0; ; attempt++) {
    if (entry.stopped) throw new Error('the chaos server was disposed during the run');
    if (attempt > 0) figures.retries += 1;
    let status = 0;
    let detail = '';
    try {
      const res = await fetch(`${entry.child.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
      status = res.status;
      const text = await res.text();
      if (status === 201) {
        if (res.headers.get('idempotent-replayed') === 'true') figures.replays += 1;
        return JSON.parse(text);
      }
      detail = text;
      // A 4xx other than 429 will not get better by trying again.
      if (status >= 400 && status < 500 && status !== 429) throw Object.assign(new Error(`${path} answered ${status}: ${detail}`), { fatal: true });
    } catch (error) {
      if (error.fatal) throw error;
      detail = String(error.cause?.code ?? error.message ?? error);
    }
    if (Date.now() > deadline) throw new Error(`${path} ${key} never succeeded (last: ${status} ${detail}); server: ${entry.child.tail}`);
    await sleep(Math.min(10 * 2 ** attempt, 100));
  }
}

/** Reads one whole list endpoint and counts the numbered items in it, to tell server doubles from client doubles. */
async function countLog(url, path, field) {
  const seen = new Map();
  let before = null;
  for (;;) {
    const res = await fetch(`${url}${path}?limit=100${before === null ? '' : `&before=${before}`}`);
    const page = await res.json();
    for (const item of page.items) seen.set(item[field], (seen.get(item[field]) ?? 0) + 1);
    if (page.next === null) break;
    before = page.next;
  }
  let doubled = 0;
  for (const times of seen.values()) if (times > 1) doubled += times - 1;
  return { distinct: seen.size, doubled };
}

/**
 * Publishes `count` numbered notifications (`title: "n-0001"`) and activities (`target: "a-0001"`),
 * alternating, one at a time so seq order is number order, and kills and respawns the server
 * `kills` times spread evenly over the items: odd kills right after an item was stored but before
 * its answer was read, even kills at once or 0-2 ms after a POST went out. Resolves with the figures.
 */
async function chaosRun(entry, { count, kills, seed = 1 }) {
  const random = seeded(seed);
  const total = count * 2;
  const killAt = new Set();
  for (let k = 1; k <= kills; k++) killAt.add(Math.round((k * total) / (kills + 1)));
  const figures = { kills: 0, published: 0, retries: 0, replays: 0, lostAnswers: 0, downMs: 0, epochs: 1, ms: 0 };
  let killIndex = 0;
  entry.progress = figures;
  const epoch = entry.epoch;
  const started = Date.now();
  const run = entry.runs++;
  for (let k = 1; k <= total; k++) {
    const number = String(Math.ceil(k / 2)).padStart(4, '0');
    const notification = k % 2 === 1;
    const path = notification ? '/api/notifications' : '/api/activities';
    const body = notification
      ? { level: 'info', title: `n-${number}`, message: `chaos ${number}` }
      : { userName: 'chaos', action: 'published', target: `a-${number}` };
    const key = `chaos-${entry.id}-${run}-${notification ? 'n' : 'a'}-${number}`;
    const kill = killAt.has(k) ? ++killIndex : 0;
    const killAndRespawn = async () => {
      const down = Date.now();
      await entry.child.kill();
      const health = await entry.child.start();
      figures.downMs += Date.now() - down;
      figures.kills += 1;
      if (health.epoch !== epoch) figures.epochs += 1;
    };
    let publishing;
    if (kill % 2 === 1) {
      // Every other kill loses an answer: the item is stored, the server dies before the publisher
      // reads the 201, and the retry must be answered from the Idempotency-Key, not published again.
      const res = await fetch(`${entry.child.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      }).catch(() => null);
      if (res?.status === 201) figures.lostAnswers += 1;
      await res?.body?.cancel();
      await killAndRespawn();
      publishing = publishItem(entry, path, body, key, figures);
    } else {
      publishing = publishItem(entry, path, body, key, figures);
      // Awaited below; this only keeps a failure during the respawn from counting as unhandled.
      publishing.catch(() => {});
      if (kill > 0) {
        // The other kills land while the POST is on its way (at once, or 0-2 ms after it went out):
        // before, during or after it is stored.
        if (kill % 4 === 0) await sleep(random() * 2);
        await killAndRespawn();
      }
    }
    await publishing;
    figures.published += 1;
  }
  figures.ms = Date.now() - started;
  figures.log = {
    notifications: await countLog(entry.child.url, '/api/notifications', 'title'),
    activities: await countLog(entry.child.url, '/api/activities', 'target'),
  };
  return figures;
}

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function realtimeServerPlugin() {
  /** @type {Map<string, { server: any, dataDir: string, options: object }>} */
  const servers = new Map();
  /** Chaos servers (child processes) by id. */
  const chaos = new Map();
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

  // A crashed or interrupted runner must not leave servers behind.
  let exitHook = false;
  const killAll = () => {
    for (const entry of chaos.values()) void entry.child.kill();
  };

  async function chaosCommand(payload) {
    const { action, id } = payload;
    if (action === 'start') {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'rt-chaos-'));
      const child = createChild({ dataDir, block: payload.block });
      const key = String(nextId++);
      const entry = { id: key, child, dataDir, runs: 0, epoch: null, running: null, progress: null, stopped: false };
      chaos.set(key, entry);
      if (!exitHook) {
        exitHook = true;
        process.on('exit', killAll);
      }
      const health = await child.start();
      entry.epoch = health.epoch;
      return { id: key, url: child.url };
    }
    const entry = chaos.get(id);
    if (!entry) throw new Error(`rt-chaos: no server with id ${id}`);
    if (action === 'run') {
      if (entry.running) throw new Error('rt-chaos: a run is already going');
      const count = Number(payload.count);
      const kills = Number(payload.kills ?? 0);
      if (!Number.isInteger(count) || count < 1 || count > 9999) throw new Error('rt-chaos: count must be 1..9999');
      if (!Number.isInteger(kills) || kills < 0 || kills > count) throw new Error('rt-chaos: kills must be 0..count');
      const running = chaosRun(entry, { count, kills, seed: payload.seed }).then(
        (figures) => ({ figures }),
        (error) => ({ error: String(error?.message ?? error) }),
      );
      entry.running = running;
      return { started: true };
    }
    if (action === 'result') {
      if (!entry.running) throw new Error('rt-chaos: no run to wait for');
      const slice = Math.min(Number(payload.waitMs ?? RESULT_SLICE_MS), RESULT_SLICE_MS);
      let timer;
      const outcome = await Promise.race([entry.running, new Promise((resolve) => (timer = setTimeout(() => resolve(null), slice)))]);
      clearTimeout(timer);
      if (outcome === null) return { done: false, progress: entry.progress };
      entry.running = null;
      if (outcome.error) throw new Error(outcome.error);
      return { done: true, figures: outcome.figures };
    }
    if (action === 'kill') {
      const down = Date.now();
      await entry.child.kill();
      await entry.child.start();
      return { downMs: Date.now() - down };
    }
    if (action === 'dispose') {
      // A run still going stops at its next try; nobody awaits it any more.
      entry.stopped = true;
      await entry.child.kill();
      chaos.delete(id);
      await rm(entry.dataDir, { recursive: true, force: true });
      return { disposed: true };
    }
    throw new Error(`rt-chaos: unknown action ${action}`);
  }

  return {
    name: 'realtime-server',
    async executeCommand({ command, payload = {} }) {
      if (command === 'rt-chaos') return chaosCommand(payload);
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
      for (const entry of chaos.values()) {
        entry.stopped = true;
        await entry.child.kill();
        await rm(entry.dataDir, { recursive: true, force: true });
      }
      chaos.clear();
    },
  };
}
