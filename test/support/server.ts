import { executeServerCommand } from '@web/test-runner-commands';

/** A real reference server on a free loopback port with its own temporary data directory. */
export interface TestServer {
  readonly id: string;
  readonly url: string;
  /** `ws://…` form of `url`. */
  readonly wsUrl: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export interface TestServerOptions {
  readonly heartbeatMs?: number;
  readonly maxFrameBytes?: number;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const started = await executeServerCommand<{ id: string; url: string }, { action: string; options: TestServerOptions }>(
    'rt-server',
    { action: 'start', options },
  );
  if (!started) throw new Error('the realtime-server plugin is not loaded');
  const { id, url } = started;
  const call = (action: string) => executeServerCommand('rt-server', { action, id });
  return {
    id,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    restart: async () => void (await call('restart')),
    stop: async () => void (await call('stop')),
    dispose: async () => void (await call('dispose')),
  };
}

/** What a chaos run did, from the publisher's side. */
export interface ChaosFigures {
  /** SIGKILLs followed by a respawn on the same port and data directory. */
  readonly kills: number;
  /** Items that got their 201 (notifications plus activities). */
  readonly published: number;
  /** POSTs sent again after a network error or a 5xx. */
  readonly retries: number;
  /** Retries the server answered from its Idempotency-Key record instead of publishing again. */
  readonly replays: number;
  /** Items whose 201 the publisher dropped on purpose before a kill (every other kill), so they are sent again. */
  readonly lostAnswers: number;
  /** Time the server was down, summed over the kills. */
  readonly downMs: number;
  /** Distinct epochs seen across restarts (1: the log survived every kill). */
  readonly epochs: number;
  /** Wall time of the run. */
  readonly ms: number;
  /** The server's own lists after the run: distinct numbered items and doubles. */
  readonly log: {
    readonly notifications: { readonly distinct: number; readonly doubled: number };
    readonly activities: { readonly distinct: number; readonly doubled: number };
  };
}

/** Which transports the chaos server refuses (`RT_BLOCK`). */
export interface ChaosBlock {
  readonly websocket?: boolean;
  readonly sse?: boolean;
}

export interface ChaosRunOptions {
  /** Numbered notifications, and as many numbered activities. */
  readonly count: number;
  /** SIGKILL-and-respawn cycles spread evenly over the run. */
  readonly kills: number;
  /** Seeds the timing of each kill after its POST went out. */
  readonly seed?: number;
}

/**
 * A reference server running as a child process (`node --import tsx server/main.ts`) with a temp
 * data dir, that a publisher on the Node side can kill and respawn during a run.
 */
export interface ChaosServer {
  readonly id: string;
  readonly url: string;
  readonly wsUrl: string;
  /**
   * Publishes `n-0001`… notifications and `a-0001`… activities, alternating, one at a time with
   * an Idempotency-Key each and retries, while killing the server `kills` times.
   */
  run(options: ChaosRunOptions): Promise<ChaosFigures>;
  /** One SIGKILL and respawn; resolves with the time it was down. */
  kill(): Promise<number>;
  dispose(): Promise<void>;
}

export async function startChaosServer(options: { readonly block?: ChaosBlock } = {}): Promise<ChaosServer> {
  const started = await executeServerCommand<{ id: string; url: string }, { action: string; block?: ChaosBlock }>('rt-chaos', {
    action: 'start',
    ...(options.block ? { block: options.block } : {}),
  });
  if (!started) throw new Error('the realtime-server plugin is not loaded');
  const { id, url } = started;
  const call = <R>(payload: Record<string, unknown>) => executeServerCommand<R, Record<string, unknown>>('rt-chaos', { ...payload, id });
  return {
    id,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    async run(run) {
      await call({ action: 'run', count: run.count, kills: run.kills, seed: run.seed ?? 1 });
      // Commands time out after 20 s in the browser, so the result is awaited in slices.
      for (;;) {
        const result = await call<{ done: boolean; figures?: ChaosFigures }>({ action: 'result', waitMs: 15_000 });
        if (result.done && result.figures) return result.figures;
      }
    },
    kill: async () => (await call<{ downMs: number }>({ action: 'kill' })).downMs,
    dispose: async () => void (await call({ action: 'dispose' })),
  };
}
