import { executeServerCommand } from '@web/test-runner-commands';

/** Sent as `Authorization: Bearer` by publishers; must match shared-server-plugin.mjs. */
export const SHARED_PUBLISH_KEY = 'shared-test-publish-key';

/** A real reference server (shared-server-plugin.mjs) that reports its live connections. */
export interface SharedTestServer {
  readonly url: string;
  /** `/ws` sockets and `/api/events` streams open right now. */
  connections(): Promise<{ websocket: number; sse: number }>;
  /** Closes and starts the server again on the same port and data: every connection drops at once. */
  restart(): Promise<void>;
  /** From now on the server refuses `token` (it "expired"). Auth mode only. */
  refuse(token: string): Promise<void>;
  /** Publishes a notification through `POST /api/notifications`; resolves with its seq. */
  publish(title: string): Promise<number>;
  dispose(): Promise<void>;
}

/**
 * Starts one. `auth`: not demo mode; tokens `tok-…` are accepted (user `u-shared`) until refused;
 * this page's origin is allowed.
 */
export async function startSharedServer(options: { auth?: boolean } = {}): Promise<SharedTestServer> {
  const started = await executeServerCommand<{ id: string; url: string }, Record<string, unknown>>('rt-shared-server', {
    action: 'start',
    auth: options.auth === true,
    origin: location.origin,
  });
  if (!started) throw new Error('the realtime-shared-server plugin is not loaded');
  const { id, url } = started;
  const call = <R>(payload: Record<string, unknown>) => executeServerCommand<R, Record<string, unknown>>('rt-shared-server', { ...payload, id });
  return {
    url,
    connections: async () => (await call<{ websocket: number; sse: number }>({ action: 'connections' }))!,
    restart: async () => void (await call({ action: 'restart' })),
    refuse: async (token) => void (await call({ action: 'refuse', token })),
    publish: async (title) => {
      const res = await fetch(`${url}/api/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SHARED_PUBLISH_KEY}` },
        body: JSON.stringify({ level: 'info', title, message: title }),
      });
      if (res.status !== 201) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { seq: number }).seq;
    },
    dispose: async () => void (await call({ action: 'dispose' })),
  };
}
