import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/define/connection-badge.js';
import type { ConnectionStatus, Transport } from '../src/services/types.js';
import { storyControls } from './support/controls.js';
import { SimulatedBackend, type SimulatedConnectionOptions } from './support/simulated-backend.js';
import { defineSimulatedProvider } from './support/simulated-provider.js';

defineSimulatedProvider();

interface BadgeArgs {
  /** Transport once open: anything but `websocket` shows the degraded look. */
  transport: Transport;
  compact: boolean;
  staleAfter: number | undefined;
  lang: string;
}

interface Setup {
  readonly connection?: SimulatedConnectionOptions;
  /** Pins one status instead of connecting. */
  readonly hold?: Partial<ConnectionStatus> & { state: ConnectionStatus['state'] };
  /** Leaves the connection idle. */
  readonly noStart?: boolean;
  /** Shows the buttons that drive the connection. */
  readonly controls?: boolean;
}

function renderBadge(args: BadgeArgs, setup: Setup = {}) {
  const backend = new SimulatedBackend({ connection: { transport: args.transport, ...setup.connection } });
  if (setup.hold) backend.connection.hold({ transport: args.transport, ...setup.hold });
  const connection = backend.connection;
  const actions = setup.controls
    ? [
        { label: 'Drop the connection', run: () => connection.drop() },
        { label: 'Go offline', run: () => connection.setOnline(false) },
        { label: 'Come back online', run: () => connection.setOnline(true) },
        { label: 'Server down', run: () => connection.setReachable(false) },
        { label: 'Server up', run: () => connection.setReachable(true) },
        { label: 'Fall back to SSE', run: () => connection.setTransport('sse') },
        { label: 'Fall back to polling', run: () => connection.setTransport('polling') },
        { label: 'Back to WebSocket', run: () => connection.setTransport('websocket') },
        { label: 'Go quiet (stale)', run: () => connection.setStale(true) },
        { label: 'Publish an event', run: () => backend.publishActivity() },
        { label: 'Close', run: () => connection.close() },
      ]
    : [];
  return html`<simulated-provider .backend=${backend} .user=${backend.user} ?no-start=${setup.noStart ?? false}>
    <connection-badge ?compact=${args.compact} stale-after=${ifDefined(args.staleAfter)} lang=${ifDefined(args.lang || undefined)}></connection-badge>
    ${storyControls(actions)}
  </simulated-provider>`;
}

const meta: Meta<BadgeArgs> = {
  title: 'Elements/connection-badge',
  component: 'connection-badge',
  args: { transport: 'websocket', compact: false, staleAfter: undefined, lang: '' },
  argTypes: {
    transport: { control: 'inline-radio', options: ['websocket', 'sse', 'polling'] },
    compact: { control: 'boolean' },
    staleAfter: { control: 'number', name: 'stale-after' },
    lang: { control: 'inline-radio', options: ['', 'en', 'fr'] },
  },
  render: (args) => renderBadge(args),
};
export default meta;

type Story = StoryObj<BadgeArgs>;

/** Connects, then stays open; the buttons drive the simulated line through every state. */
export const Playground: Story = {
  render: (args) => renderBadge(args, { controls: true }),
};

/** The first attempt, still under way. */
export const Connecting: Story = {
  render: (args) => renderBadge(args, { connection: { connectMs: Infinity } }),
};

/** Open over WebSocket. */
export const Open: Story = {};

/** The server is unreachable: a countdown to the next attempt, the attempt number and "Retry now". */
export const Reconnecting: Story = {
  render: (args) => renderBadge(args, { connection: { reachable: false, retryDelays: [12_000, 20_000, 30_000] } }),
};

/** The browser has no network; the badge waits for it rather than counting down. */
export const Offline: Story = {
  render: (args) => renderBadge(args, { connection: { online: false } }),
};

/** Attempts ran out; only "Retry now" starts again. */
export const Failed: Story = {
  render: (args) => renderBadge(args, { connection: { reachable: false, maxRetries: 0 } }),
};

/** The page closed the connection. */
export const Closed: Story = {
  render: (args) => renderBadge(args, { hold: { state: 'closed', reason: 'page' } }),
};

/** Not started (and the look of a badge with no provider). */
export const Idle: Story = {
  render: (args) => renderBadge(args, { noStart: true }),
};

/** Open over the SSE fallback: a dashed icon and "fallback: SSE". */
export const DegradedSse: Story = {
  name: 'Degraded (SSE)',
  args: { transport: 'sse' },
};

/** Open over the polling fallback. */
export const DegradedPolling: Story = {
  name: 'Degraded (polling)',
  args: { transport: 'polling' },
};

/** Open but nothing arrived for the quiet time: a clock icon and "no recent data". */
export const Stale: Story = {
  render: (args) => renderBadge(args, { hold: { state: 'open', stale: true } }),
};

/** Stale and degraded at once. */
export const StaleDegraded: Story = {
  name: 'Stale and degraded (polling)',
  args: { transport: 'polling' },
  render: (args) => renderBadge(args, { hold: { state: 'open', stale: true } }),
};

/** Icon only; the words stay as the accessible text and the tooltip. */
export const CompactReconnecting: Story = {
  name: 'Compact (reconnecting)',
  args: { compact: true },
  render: (args) => renderBadge(args, { connection: { reachable: false, retryDelays: [12_000, 20_000, 30_000] } }),
};

/** French labels. */
export const French: Story = {
  args: { lang: 'fr' },
  render: (args) => renderBadge(args, { connection: { reachable: false, retryDelays: [12_000, 20_000, 30_000] } }),
};
