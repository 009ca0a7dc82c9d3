// The `editor` part of `npm run bench`.
//
// Convergence: ten clients on one document make 100 random inserts and deletes each, 1,000 in
// all, in one synchronous burst (no client sees another's edit before it has made all of its
// own); `convergeMs` runs from the last edit until all ten texts (and state vectors) are
// identical. The kit's `CollabSession` against the reference server gives `convergeMs`;
// y-websocket's `WebsocketProvider` against a stock `@y/websocket-server` gives
// `baselineConvergeMs`. Server and clients share this process in both cases; each is run five
// times on a fresh server (after one uncounted warm-up run) and the median is reported.
//
// Key to screen: two headless Chromium windows load the bundled kit (`<realtime-provider>` and
// `<collaborative-editor>`) from the reference server (a child process); the first types 100 characters a second
// through DevTools key events, and each character's time is taken from its `beforeinput` in the
// first page to the end of the first frame of the second page that shows it (a rAF watch plus a
// message posted from it, so the frame's rendering has run). Both pages' clocks are
// `performance.timeOrigin + performance.now()` of one browser. The same two windows with bare
// text areas over a bare WebSocket relay give the machine's floor, reported as the baseline of
// `keyToScreenP99Ms`: on a busy machine that floor, not the kit, decides the figure.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { docs as stockDocs, setupWSConnection } from '@y/websocket-server/utils';
// @ts-expect-error: a plain .mjs helper without types
import { CHROME_FLAGS, chromePath } from '../scripts/chrome-path.mjs';
import { startServer } from '../server/app.js';
import { CollabSession } from '../src/services/collab-session.js';
import type { Figures } from './figures.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

const CLIENTS = 10;
const EDITS_PER_CLIENT = 100;
const RUNS = 5;
const SEED_TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(6);
const CONVERGE_TIMEOUT_MS = 30_000;
const TYPED_CHARS = 300;
const WARMUP_CHARS = 30;
const CHAR_INTERVAL_MS = 10; // 100 characters a second

const FLAGS = CHROME_FLAGS;
// `BENCH_CPU_PROFILE=<dir>` writes a DevTools CPU profile of each typing window there (`kit-writer`,
// `kit-reader`, `floor-writer`, `floor-reader`) and a timeline trace of the kit's typing
// (`kit.trace.json`, both windows): where the time goes. It slows the run.
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;

export const EDITOR_GOALS = {
  converged: 'true',
  convergeMs: '<= 250 and <= baseline / 2',
  keyToScreenP99Ms: '<= 30',
} as const;

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** A small seeded generator, so both servers get the same edits. */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Client {
  readonly doc: Y.Doc;
  whenSynced(): Promise<void>;
  destroy(): void;
}

interface Backend {
  readonly url: string;
  open(documentId: string): Client;
  close(): Promise<void>;
}

const WS = WebSocket as unknown as typeof globalThis.WebSocket;

/** The reference server, with the kit's own client. */
export async function referenceBackend(): Promise<Backend> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rt-bench-editor-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, demo: true, log: () => {} });
  const url = `${server.url.replace(/^http/, 'ws')}/collab`;
  return {
    url,
    open(documentId) {
      const session = new CollabSession({ url, documentId, user: { id: 'bench', name: 'Bench', color: '#336699' }, WebSocket: WS });
      return {
        doc: session.doc,
        whenSynced: () =>
          new Promise<void>((resolve) => {
            const check = () => {
              if (session.status.state !== 'synced' && session.status.state !== 'saved') return false;
              resolve();
              return true;
            };
            if (check()) return;
            const off = session.onStatus(() => {
              if (check()) off();
            });
          }),
        destroy: () => session.destroy(),
      };
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A stock `@y/websocket-server`, with y-websocket's own client. */
export async function stockBackend(): Promise<Backend> {
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (conn, req) => {
    const docName = decodeURIComponent((req.url ?? '').split('?')[0]!.split('/').pop() ?? '');
    setupWSConnection(conn, req, { docName });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (!address || typeof address !== 'object') throw new Error('stock server has no port');
  const url = `ws://127.0.0.1:${address.port}/collab`;
  return {
    url,
    open(documentId) {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(url, documentId, doc, { WebSocketPolyfill: WS, disableBc: true });
      return {
        doc,
        whenSynced: () =>
          new Promise<void>((resolve) => {
            if (provider.synced) return resolve();
            const onSync = (synced: boolean) => {
              if (!synced) return;
              provider.off('sync', onSync);
              resolve();
            };
            provider.on('sync', onSync);
          }),
        destroy: () => {
          provider.destroy();
          doc.destroy();
        },
      };
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
      // The stock server keeps rooms in a module-wide map; destroying one stops its timers.
      for (const [name, doc] of stockDocs) {
        stockDocs.delete(name);
        doc.destroy();
      }
    },
  };
}

const sameState = (a: Y.Doc, b: Y.Doc): boolean => {
  const x = Y.encodeStateVector(a);
  const y = Y.encodeStateVector(b);
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
};

/** Resolves with the time at which every doc holds the same text and state; checks once per turn. */
function whenConverged(clients: readonly Client[]): Promise<number | null> {
  return new Promise((resolve) => {
    let scheduled = false;
    const check = (): boolean => {
      const first = clients[0]!.doc;
      const text = first.getText('content').toString();
      return clients.every(({ doc }) => doc === first || (doc.getText('content').toString() === text && sameState(first, doc)));
    };
    const done = (at: number | null) => {
      clearTimeout(timer);
      for (const { doc } of clients) doc.off('update', onUpdate);
      resolve(at);
    };
    const onUpdate = () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        if (check()) done(performance.now());
      });
    };
    const timer = setTimeout(() => done(null), CONVERGE_TIMEOUT_MS);
    for (const { doc } of clients) doc.on('update', onUpdate);
    onUpdate();
  });
}

interface ConvergeRun {
  readonly convergeMs: number | null;
  readonly docBytes: number;
}

/** One run: ten clients, a seeded text, then 1,000 edits at once. */
async function convergeOnce(backend: Backend, run: number): Promise<ConvergeRun> {
  const documentId = `bench-${run}-${Date.now().toString(36)}`;
  const clients = Array.from({ length: CLIENTS }, () => backend.open(documentId));
  try {
    await Promise.all(clients.map((client) => client.whenSynced()));
    clients[0]!.doc.getText('content').insert(0, SEED_TEXT);
    if ((await whenConverged(clients)) === null) throw new Error('seed text did not reach every client');

    const random = seeded(run + 1);
    for (let round = 0; round < EDITS_PER_CLIENT; round += 1) {
      for (const { doc } of clients) {
        const text = doc.getText('content');
        const at = Math.floor(random() * (text.length + 1));
        if (text.length > 0 && random() < 0.4) {
          const from = Math.min(at, text.length - 1);
          text.delete(from, 1 + Math.floor(random() * Math.min(3, text.length - from)));
        } else {
          text.insert(at, 'abcdefghij'.slice(0, 1 + Math.floor(random() * 4)));
        }
      }
    }
    const lastEdit = performance.now();
    const convergedAt = await whenConverged(clients);
    return {
      convergeMs: convergedAt === null ? null : round(convergedAt - lastEdit),
      docBytes: Y.encodeStateAsUpdate(clients[0]!.doc).byteLength,
    };
  } finally {
    for (const client of clients) client.destroy();
  }
}

export async function convergeOn(start: () => Promise<Backend>): Promise<{ median: number | null; runs: (number | null)[]; docBytes: number }> {
  // y-websocket adds a process 'exit' listener per provider in Node: ten at once are expected.
  process.setMaxListeners(Math.max(process.getMaxListeners(), 4 * CLIENTS));
  const runs: (number | null)[] = [];
  let docBytes = 0;
  // Run 0 warms the JIT up and is not counted.
  for (let run = 0; run <= RUNS; run += 1) {
    const backend = await start();
    try {
      const result = await convergeOnce(backend, run);
      if (run === 0) continue;
      runs.push(result.convergeMs);
      docBytes = result.docBytes;
    } finally {
      await backend.close();
    }
    await sleep(200);
  }
  return { median: runs.includes(null) ? null : median(runs as number[]), runs, docBytes };
}

/** Page side of the typing figure: key times in the writer, write and frame times in the reader. */
const WATCH_SCRIPT = `
    const now = () => performance.timeOrigin + performance.now();
    window.bench = { keys: [], shown: [], written: [] };
    {
      const editor = document.querySelector('collaborative-editor');
      const ready = () => (editor ? editor.shadowRoot && editor.shadowRoot.querySelector('textarea') : document.querySelector('textarea'));
      const start = () => {
        const textarea = ready();
        if (!textarea) return requestAnimationFrame(start);
        textarea.addEventListener('beforeinput', () => window.bench.keys.push(now()), true);
        // When the editor writes a remote change into the text area (before any frame shows it).
        const native = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
        Object.defineProperty(textarea, 'value', {
          get() { return native.get.call(this); },
          set(value) {
            const before = native.get.call(this).length;
            native.set.call(this, value);
            const at = now();
            for (let index = before; index < value.length; index += 1) window.bench.written[index] ??= at;
          },
        });
        let length = textarea.value.length;
        const channel = new MessageChannel();
        let pending = [];
        channel.port1.onmessage = () => {
          const at = now();
          for (const index of pending) window.bench.shown[index] = at;
          pending = [];
        };
        const frame = () => {
          const next = textarea.value.length;
          if (next > length) {
            for (let index = length; index < next; index += 1) pending.push(index);
            // Posted from the frame callback: it runs once this frame's rendering is done.
            channel.port2.postMessage(0);
          }
          length = next;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      };
      start();
    }`;

/** The bundled kit and a page with one editor inside one provider, served from `dir`. */
async function buildPage(dir: string): Promise<void> {
  await build({
    stdin: {
      contents: "import '../src/define/realtime-provider.js';\nimport '../src/define/collaborative-editor.js';\n",
      resolveDir: HERE,
      loader: 'ts',
      sourcefile: 'editor-bench-entry.ts',
    },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outfile: path.join(dir, 'kit.js'),
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  const watch = WATCH_SCRIPT;
  await writeFile(
    path.join(dir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>editor bench</title></head><body>
<realtime-provider><collaborative-editor document-id="bench-typing"></collaborative-editor></realtime-provider>
<script type="module" src="./kit.js"></script><script type="module">${watch}</script></body></html>`,
  );
}

/**
 * The reference server in a child process serving `staticDir`, as in production: the browser
 * driver in this process then never delays what the server does.
 */
function startServerProcess(staticDir: string, dataDir: string): Promise<{ url: string; close(): Promise<void> }> {
  return startProcess(`
    import { startServer } from ${JSON.stringify(path.join(ROOT, 'server/app.ts'))};
    const server = await startServer({ host: '127.0.0.1', port: 0, dataDir: ${JSON.stringify(dataDir)}, demo: true, log: () => {}, staticDir: ${JSON.stringify(staticDir)} });
    console.log('READY ' + server.url);
    process.on('SIGTERM', () => server.close().then(() => process.exit(0)));`);
}

/** Runs an ES module in a child Node process that prints `READY <url>` once it listens. */
async function startProcess(script: string): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the server process did not start')), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  });
  return {
    url,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function editorState(page: Page): Promise<string> {
  return page.evaluate(() => {
    const editor = document.querySelector('collaborative-editor');
    if (editor) return editor.getAttribute('state') ?? '';
    return (window as unknown as { floorReady?: boolean }).floorReady ? 'floor' : '';
  });
}

/** Opens the page in a window of its own (a background tab gets no animation frames). */
async function openWindow(browser: Browser, url: string): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  for (let i = 0; i < 200 && !['synced', 'saved', 'floor'].includes(await editorState(page)); i += 1) await sleep(50);
  return page;
}

export interface TypingFigures {
  readonly p99: number;
  readonly p50: number;
  readonly max: number;
  readonly writtenP50: number | null;
  readonly writtenP99: number | null;
  readonly samples: number;
  readonly framesPerSecond: number[];
}

/** The kit: both windows on the reference server (a child process). */
export async function keyToScreen(browser: Browser): Promise<TypingFigures> {
  const pageDir = await mkdtemp(path.join(tmpdir(), 'rt-bench-editor-page-'));
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rt-bench-editor-data-'));
  try {
    await buildPage(pageDir);
    const server = await startServerProcess(pageDir, dataDir);
    try {
      return await measureTyping(browser, `${server.url}/index.html`, 'kit');
    } finally {
      await server.close();
    }
  } finally {
    await rm(pageDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The floor under the kit: a bare text area whose `beforeinput` sends the character over a plain
 * WebSocket to a relay (a child process too) that passes it to the other window, which appends it
 * to its text area. No Yjs, no Lit, no storage: what this machine needs to show a key elsewhere.
 */
export async function keyToScreenFloor(browser: Browser): Promise<TypingFigures> {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title></head><body><textarea></textarea>
<script type="module">
const socket = new WebSocket(location.origin.replace(/^http/, 'ws'));
const textarea = document.querySelector('textarea');
socket.onopen = () => { window.floorReady = true; };
socket.onmessage = (event) => { textarea.value += event.data; };
textarea.addEventListener('beforeinput', (event) => socket.send(event.data ?? ''));
</script><script type="module">${WATCH_SCRIPT}</script></body></html>`;
  const script = `
    import { createServer } from 'node:http';
    import { WebSocketServer } from 'ws';
    const page = ${JSON.stringify(page)};
    const http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
    const relay = new WebSocketServer({ server: http });
    relay.on('connection', (socket) => socket.on('message', (data) => {
      for (const other of relay.clients) if (other !== socket) other.send(data.toString());
    }));
    http.listen(0, '127.0.0.1', () => console.log('READY http://127.0.0.1:' + http.address().port));
    process.on('SIGTERM', () => process.exit(0));`;
  const relay = await startProcess(script);
  try {
    return await measureTyping(browser, `${relay.url}/`, 'floor');
  } finally {
    await relay.close();
  }
}

/** Two windows on `url`; the first types, the second shows. */
async function measureTyping(browser: Browser, url: string, label: string): Promise<TypingFigures> {
  {
    const writer = await openWindow(browser, url);
    const reader = await openWindow(browser, url);
    // Both windows must draw frames for the figure to mean anything.
    const framesPerSecond = await Promise.all(
      // A string, so no helper of the Node-side TypeScript transform leaks into the page.
      [writer, reader].map((page) =>
        page.evaluate(`new Promise((resolve) => {
          let frames = 0;
          const started = performance.now();
          const tick = () => {
            frames += 1;
            if (performance.now() - started < 500) requestAnimationFrame(tick);
            else resolve(Math.round((frames * 1000) / (performance.now() - started)));
          };
          requestAnimationFrame(tick);
        })`) as Promise<number>,
      ),
    );
    await writer.evaluate(() =>
      (document.querySelector('collaborative-editor')?.shadowRoot ?? document).querySelector('textarea')!.focus(),
    );

    const profiles = PROFILE_DIR ? await startProfiles(writer, reader, label) : null;
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const total = WARMUP_CHARS + TYPED_CHARS;
    const started = performance.now();
    for (let i = 0; i < total; i += 1) {
      const wait = started + i * CHAR_INTERVAL_MS - performance.now();
      if (wait > 0) await sleep(wait);
      await writer.keyboard.press(letters[i % letters.length] as 'a');
    }
    for (let i = 0; i < 100; i += 1) {
      const shown = await reader.evaluate(() => (window as unknown as EditorBenchWindow).bench.shown.filter((at) => at !== undefined).length);
      if (shown >= total) break;
      await sleep(50);
    }
    await profiles?.stop();
    const keys = await writer.evaluate(() => (window as unknown as EditorBenchWindow).bench.keys);
    const shown = await reader.evaluate(() => (window as unknown as EditorBenchWindow).bench.shown);
    const written = await reader.evaluate(() => (window as unknown as EditorBenchWindow).bench.written);
    const latencies: number[] = [];
    const arrivals: number[] = [];
    for (let i = WARMUP_CHARS; i < total; i += 1) {
      const key = keys[i];
      const seen = shown[i];
      if (key === undefined || seen === undefined || seen === null) throw new Error(`character ${i} never reached the other window`);
      latencies.push(seen - key);
      const arrived = written[i];
      if (typeof arrived === 'number') arrivals.push(arrived - key);
    }
    return {
      p99: round(percentile(latencies, 99)),
      p50: round(percentile(latencies, 50)),
      max: round(Math.max(...latencies)),
      writtenP50: arrivals.length ? round(percentile(arrivals, 50)) : null,
      writtenP99: arrivals.length ? round(percentile(arrivals, 99)) : null,
      samples: latencies.length,
      framesPerSecond,
    };
  }
}

/** Starts a CPU profile of both windows (and a timeline trace of the kit's); `stop` writes them to PROFILE_DIR. */
async function startProfiles(writer: Page, reader: Page, label: string): Promise<{ stop(): Promise<void> }> {
  const dir = PROFILE_DIR!;
  await mkdir(dir, { recursive: true });
  const sessions = await Promise.all(
    [writer, reader].map(async (page) => {
      const cdp = await page.createCDPSession();
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
      return cdp;
    }),
  );
  const trace = label === 'kit';
  if (trace) {
    await reader.tracing.start({
      path: path.join(dir, `${label}.trace.json`),
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'toplevel', 'v8.execute', 'blink.user_timing'],
    });
  }
  return {
    async stop() {
      if (trace) await reader.tracing.stop();
      await Promise.all(
        sessions.map(async (cdp, index) => {
          const { profile } = await cdp.send('Profiler.stop');
          await writeFile(path.join(dir, `${label}-${index === 0 ? 'writer' : 'reader'}.cpuprofile`), JSON.stringify(profile));
          await cdp.detach();
        }),
      );
    },
  };
}

/** What the bench page keeps (see the watch script in buildPage). */
interface EditorBenchWindow {
  readonly bench: { keys: number[]; shown: Array<number | undefined | null>; written: Array<number | undefined | null> };
}

/** Runs the convergence load on both servers and the typing test; see the module comment. */
export async function editor(): Promise<Figures> {
  // Other work on the machine shows in every timing here: say how busy it was.
  const loadBefore = loadavg()[0]!;
  const ours = await convergeOn(referenceBackend);
  const stock = await convergeOn(stockBackend);
  const executablePath = chromePath() as string | null;
  if (!executablePath) throw new Error('no Chromium found (set CHROME_PATH or apt-get install chromium)');
  const browser = await puppeteer.launch({ executablePath, args: FLAGS, headless: true, protocolTimeout: 120_000 });
  let typing: TypingFigures;
  let floor: TypingFigures;
  try {
    typing = await keyToScreen(browser);
    floor = await keyToScreenFloor(browser);
  } finally {
    await browser.close();
  }
  const converged = ours.median !== null;
  return {
    clients: CLIENTS,
    edits: CLIENTS * EDITS_PER_CLIENT,
    convergeMs: ours.median,
    converged,
    docBytes: ours.docBytes,
    keyToScreenP99Ms: typing.p99,
    baselineConvergeMs: stock.median,
    goals: { ...EDITOR_GOALS },
    // keyToScreenP99Ms's baseline is the machine's floor (bare text areas over a bare relay).
    baseline: { convergeMs: stock.median, docBytes: stock.docBytes, keyToScreenP99Ms: floor.p99 },
    met: {
      converged,
      convergeMs: ours.median !== null && stock.median !== null && ours.median <= 250 && ours.median <= stock.median / 2,
      keyToScreenP99Ms: typing.p99 <= 30,
    },
    convergeRuns: { ours: ours.runs.join(', '), baseline: stock.runs.join(', ') },
    loadAverage: { before: round(loadBefore, 2), after: round(loadavg()[0]!, 2), cpus: cpus().length },
    keyToScreen: {
      p50Ms: typing.p50,
      p99Ms: typing.p99,
      maxMs: typing.max,
      // Key to the text area's value in the other window, before a frame shows it.
      writtenP50Ms: typing.writtenP50,
      writtenP99Ms: typing.writtenP99,
      samples: typing.samples,
      framesPerSecond: typing.framesPerSecond.join(', '),
    },
    keyToScreenFloor: {
      p50Ms: floor.p50,
      p99Ms: floor.p99,
      maxMs: floor.max,
      writtenP50Ms: floor.writtenP50,
      writtenP99Ms: floor.writtenP99,
      framesPerSecond: floor.framesPerSecond.join(', '),
    },
  };
}
