// One "tab" of the shared-connection tests, loaded in a same-origin iframe so it has its own
// document, Web Locks holder and BroadcastChannel endpoint. Query: `server` (base URL), `shared`
// (1 for the attribute), `token` (1: getToken answers tok-1, and tok-2 when asked to refresh).
// The test reads `window.rtTab`.
import '../../src/define/realtime-provider.js';
import type { RealtimeProvider } from '../../src/elements/realtime-provider/realtime-provider.js';
import type { SharedConnection } from '../../src/services/shared-connection.js';

/** What a tab exposes to the test page. */
export interface SharedTab {
  readonly provider: RealtimeProvider;
  /** `notification.new` envelopes delivered here: seq and title, in order. */
  readonly received: { seq: number; title: string }[];
  /** `realtime-logout` events: reason and local. */
  readonly logouts: { reason: string | null; local: boolean }[];
  /** Calls of the page's getToken, by kind. */
  readonly tokenCalls: { plain: number; refresh: number };
  /** `leader` or `follower` with `shared`; `own` without. */
  role(): string;
}

declare global {
  interface Window {
    rtTab?: SharedTab;
  }
}

const params = new URLSearchParams(location.search);
const server = params.get('server') ?? '';
const provider = document.createElement('realtime-provider');
provider.url = `${server.replace(/^http/, 'ws')}/ws`;
provider.events = `${server}/api/events`;
provider.api = `${server}/api`;
provider.shared = params.get('shared') === '1';
// A fixed user: tabs share a connection only with the same user, and other test files running
// at the same time replace the stored guest user.
provider.user = { id: 'tab-user', name: 'Tab user', color: '#1d4ed8' };
const tokenCalls = { plain: 0, refresh: 0 };
if (params.get('token') === '1') {
  provider.getToken = async ({ refresh }) => {
    if (!refresh) {
      tokenCalls.plain += 1;
      return 'tok-1';
    }
    tokenCalls.refresh += 1;
    // A refresh request takes a moment on a real network.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return 'tok-2';
  };
}
const received: { seq: number; title: string }[] = [];
const logouts: { reason: string | null; local: boolean }[] = [];
provider.addEventListener('realtime-logout', (event) => logouts.push({ reason: event.reason, local: event.local }));
document.body.append(provider);
provider.connection?.on('notification.new', (frame) => received.push({ seq: frame.seq ?? -1, title: frame.payload.title }));

window.rtTab = {
  provider,
  received,
  logouts,
  tokenCalls,
  role: () => {
    const connection = provider.connection as Partial<SharedConnection> | undefined;
    return connection?.role ?? 'own';
  },
};
