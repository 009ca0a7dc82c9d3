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
