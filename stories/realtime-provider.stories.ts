import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/define/activity-feed.js';
import '../src/define/collaborative-editor.js';
import '../src/define/connection-badge.js';
import '../src/define/notification-feed.js';
import type { Transport } from '../src/services/types.js';
import { storyControls } from './support/controls.js';
import { PEOPLE, SimulatedBackend } from './support/simulated-backend.js';
import { defineSimulatedProvider } from './support/simulated-provider.js';

defineSimulatedProvider();


interface ProviderArgs {
  /** Transport once open: anything but `websocket` shows the degraded look everywhere. */
  transport: Transport;
}

/**
 * `<realtime-provider>` has no look of its own: it owns the services and hands them to every kit
 * element inside it. Here it is the story-only `<simulated-provider>`, the real provider with its
 * `createServices()` swapped for the in-page simulated backend, so one line feeds a whole page.
 */
function renderPage(args: ProviderArgs, options: { online?: boolean } = {}) {
  const backend = new SimulatedBackend({
    connection: { transport: args.transport, online: options.online ?? true },
    collab: { documents: { plan: 'Shared plan\n\n- Launch on Tuesday\n' }, online: options.online ?? true },
  });
  backend.seedNotifications(8, { read: 5, days: 2 });
  backend.seedActivities(25, { days: 3 });
  const { connection, collab } = backend;
  let joined = 0;
  const actions = [
    { label: 'Publish a notification', run: () => backend.publishNotification() },
    { label: 'Publish an activity', run: () => backend.publishActivity() },
    { label: 'Drop the connection', run: () => connection.drop() },
    {
      label: 'Go offline',
      run: () => {
        connection.setOnline(false);
        collab.setOnline(false);
      },
    },
    {
      label: 'Come back online',
      run: () => {
        connection.setOnline(true);
        collab.setOnline(true);
      },
    },
    { label: 'Add a collaborator', run: () => collab.addCollaborator('plan', PEOPLE[joined++ % PEOPLE.length]!).typeSlowly(' Hello!') },
  ];
  return html`<simulated-provider .backend=${backend} .user=${backend.user}>
    <div style="display:flex;align-items:center;gap:1rem;flex-wrap:wrap">
      <h2 style="margin:0;font-size:1.125rem">Team space</h2>
      <connection-badge></connection-badge>
    </div>
    <div style="display:grid;gap:1.5rem;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));margin-block-start:1rem">
      <notification-feed variant="inbox"></notification-feed>
      <activity-feed style="--rt-activity-max-block-size: 20rem"></activity-feed>
    </div>
    <collaborative-editor document-id="plan" label="Shared plan" style="margin-block-start:1.5rem"></collaborative-editor>
    <notification-feed variant="toast" placement="bottom-end"></notification-feed>
    ${storyControls(actions)}
  </simulated-provider>`;
}

const meta: Meta<ProviderArgs> = {
  title: 'Elements/realtime-provider',
  component: 'realtime-provider',
  args: { transport: 'websocket' },
  argTypes: { transport: { control: 'inline-radio', options: ['websocket', 'sse', 'polling'] } },
  render: (args) => renderPage(args),
};
export default meta;

type Story = StoryObj<ProviderArgs>;

/** One provider feeding a badge, both feeds and an editor. */
export const Page: Story = {};

/** The same page over the polling fallback: every element shows the degraded line. */
export const PageDegraded: Story = {
  name: 'Page (degraded, polling)',
  args: { transport: 'polling' },
};

/** The same page with no network: the badge, the feeds' headers and the editor say offline. */
export const PageOffline: Story = {
  name: 'Page (offline)',
  render: (args) => renderPage(args, { online: false }),
};
