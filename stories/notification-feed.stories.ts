import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { ref } from 'lit/directives/ref.js';
import '../src/define/notification-feed.js';
import '../src/define/connection-badge.js';
import type { NotificationItemContext, NotificationVariant, ToastPlacement } from '../src/elements/notification-feed/notification-feed.js';
import type { FeedNotification } from '../src/events/notification-events.js';
import { type StoryAction, storyControls } from './support/controls.js';
import { type ApiMode, SimulatedBackend } from './support/simulated-backend.js';
import { defineSimulatedProvider } from './support/simulated-provider.js';

defineSimulatedProvider();

interface FeedArgs {
  variant: NotificationVariant;
  placement: ToastPlacement;
  /** Toasts leave after this many ms; 0 keeps them (the static stories use 0). */
  duration: number;
  max: number | undefined;
  groupWindow: number;
  lang: string;
}

interface Setup {
  /** Live notifications published when the story starts (delivered once the line opens). */
  readonly publish?: number;
  /** History in the log, for the inbox: how many, how many of the newest already read, over how many days. */
  readonly history?: { count: number; read?: number; days?: number };
  readonly mode?: ApiMode;
  readonly olderMode?: ApiMode;
  /** Same-group arrivals, merged into one row with a count. */
  readonly grouped?: number;
  readonly controls?: boolean;
  /** Clicks "Load older" once the first page is in, as a user would. */
  readonly clickLoadOlder?: boolean;
  /** A page's own template for a row's content. */
  readonly renderItem?: (notification: FeedNotification, context: NotificationItemContext) => unknown;
}

/** Clicks the feed's "Load older" button once the first page has arrived. */
function loadOlderOnce(backend: SimulatedBackend, element: Element | undefined): void {
  if (!(element instanceof HTMLElement)) return;
  void backend.api.listed().then(async () => {
    // Counted as in flight until the click has started its request, so tests wait for it.
    const done = backend.inflight.begin();
    await (element as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    element.shadowRoot?.querySelector<HTMLButtonElement>('[part="load-older"]')?.click();
    done();
  });
}

function renderFeed(args: FeedArgs, setup: Setup = {}) {
  const backend = new SimulatedBackend({ mode: setup.mode ?? 'ok', ...(setup.olderMode ? { olderMode: setup.olderMode } : {}) });
  if (setup.history) backend.seedNotifications(setup.history.count, setup.history);
  for (let index = 0; index < (setup.publish ?? 0); index += 1) backend.publishNotification();
  for (let index = 0; index < (setup.grouped ?? 0); index += 1) {
    backend.publishNotification({ level: 'info', title: 'New comment on the Q3 plan', message: `Comment ${index + 1} of ${setup.grouped}`, group: 'q3-comments' });
  }
  const connection = backend.connection;
  const actions: StoryAction[] = setup.controls
    ? [
        { label: 'Publish a notification', run: () => backend.publishNotification() },
        { label: 'Publish an error', run: () => backend.publishNotification({ level: 'error', title: 'Build failed', message: 'main is red since commit 3f2a1c.' }) },
        { label: 'Burst of 40', run: () => backend.burstNotifications(40) },
        { label: 'Drop the connection', run: () => connection.drop() },
        { label: 'Go offline', run: () => connection.setOnline(false) },
        { label: 'Come back online', run: () => connection.setOnline(true) },
      ]
    : [];
  return html`<simulated-provider .backend=${backend} .user=${backend.user}>
    ${setup.controls ? html`<connection-badge></connection-badge>` : null}
    <notification-feed
      variant=${args.variant}
      placement=${args.placement}
      duration=${args.duration}
      max=${ifDefined(args.max)}
      group-window=${args.groupWindow}
      lang=${ifDefined(args.lang || undefined)}
      .renderItem=${setup.renderItem}
      ${ref(setup.clickLoadOlder ? (element) => loadOlderOnce(backend, element) : undefined)}
    ></notification-feed>
    ${storyControls(actions)}
  </simulated-provider>`;
}

const meta: Meta<FeedArgs> = {
  title: 'Elements/notification-feed',
  component: 'notification-feed',
  args: { variant: 'toast', placement: 'bottom-end', duration: 0, max: undefined, groupWindow: 10_000, lang: '' },
  argTypes: {
    variant: { control: 'inline-radio', options: ['toast', 'inbox'] },
    placement: { control: 'select', options: ['top-start', 'top-center', 'top-end', 'bottom-start', 'bottom-center', 'bottom-end'] },
    duration: { control: 'number' },
    max: { control: 'number' },
    groupWindow: { control: 'number', name: 'group-window' },
    lang: { control: 'inline-radio', options: ['', 'en', 'fr'] },
  },
  parameters: { layout: 'fullscreen' },
  render: (args) => renderFeed(args),
};
export default meta;

type Story = StoryObj<FeedArgs>;

/** Live toasts that leave after 5 s; publish, burst and drop the line with the buttons. */
export const ToastPlayground: Story = {
  name: 'Toast: playground',
  args: { duration: 5000 },
  render: (args) => renderFeed(args, { controls: true }),
};

/** Nothing has arrived: the stack is empty and takes no room. */
export const ToastEmpty: Story = { name: 'Toast: empty' };

/** Three notifications, one per level shape. */
export const ToastFew: Story = {
  name: 'Toast: a few',
  render: (args) => renderFeed(args, { publish: 3 }),
};

/** Fifty in one task: the newest five show, the rest are summed up, and one render follows. */
export const ToastBurst: Story = {
  name: 'Toast: burst',
  render: (args) => renderFeed(args, { publish: 50 }),
};

/** More than `max`: "+N more". */
export const ToastMore: Story = {
  name: 'Toast: +N more',
  args: { max: 3 },
  render: (args) => renderFeed(args, { publish: 7 }),
};

/** Same `group` within the window: one row with a count. */
export const ToastGrouped: Story = {
  name: 'Toast: grouped',
  render: (args) => renderFeed(args, { grouped: 4 }),
};

const placementStory = (placement: ToastPlacement): Story => ({
  name: `Toast: ${placement}`,
  args: { placement },
  render: (args) => renderFeed(args, { publish: 2 }),
});

export const ToastTopStart = placementStory('top-start');
export const ToastTopCenter = placementStory('top-center');
export const ToastTopEnd = placementStory('top-end');
export const ToastBottomStart = placementStory('bottom-start');
export const ToastBottomCenter = placementStory('bottom-center');
export const ToastBottomEnd = placementStory('bottom-end');

/** The inbox with history, live arrivals and the connection controls. */
export const InboxPlayground: Story = {
  name: 'Inbox: playground',
  args: { variant: 'inbox' },
  parameters: { layout: 'padded' },
  render: (args) => renderFeed(args, { history: { count: 45, read: 30, days: 3 }, controls: true }),
};

/** The first page has not answered yet. */
export const InboxLoading: Story = {
  name: 'Inbox: loading',
  args: { variant: 'inbox' },
  parameters: { layout: 'padded' },
  render: (args) => renderFeed(args, { mode: 'pending' }),
};

/** Nothing for this user. */
export const InboxEmpty: Story = {
  name: 'Inbox: empty',
  args: { variant: 'inbox' },
  parameters: { layout: 'padded' },
};

/** The first page failed: the message and a retry button. */
export const InboxError: Story = {
  name: 'Inbox: error',
  args: { variant: 'inbox' },
  parameters: { layout: 'padded' },
  render: (args) => renderFeed(args, { mode: 'error' }),
};

/** Unread items first in weight: markers, "Mark as read", "Mark all as read" and the count. */
export const InboxUnread: Story = {
  name: 'Inbox: unread items',
  args: { variant: 'inbox' },
  parameters: { layout: 'padded' },
  render: (args) => renderFeed(args, { history: { count: 6, read: 2 }, publish: 1 }),
};

/** A long history: twenty on the first page and "Load older" for the rest. */
export const InboxMany: Story = {
  name: 'Inbox: many items, older pages',
  args: { variant: 'inbox' },
  parameters: { layout: 'padded' },
  render: (args) => renderFeed(args, { history: { count: 120, read: 100, days: 14 } }),
};

/** Older pages fail: "Load older" reports the error and offers a retry. */
export const InboxOlderError: Story = {
  name: 'Inbox: older page fails',
  args: { variant: 'inbox' },
  parameters: { layout: 'padded' },
  render: (args) => renderFeed(args, { history: { count: 40, read: 30, days: 2 }, olderMode: 'error', clickLoadOlder: true }),
};

/** A burst into the inbox: the cap holds and the unread count takes every one. */
export const InboxBurst: Story = {
  name: 'Inbox: burst',
  args: { variant: 'inbox', max: 20 },
  parameters: { layout: 'padded' },
  render: (args) => renderFeed(args, { history: { count: 10, read: 10 }, publish: 60 }),
};

/** French labels and relative times. */
export const InboxFrench: Story = {
  name: 'Inbox: French',
  args: { variant: 'inbox', lang: 'fr' },
  parameters: { layout: 'padded' },
  render: (args) => renderFeed(args, { history: { count: 5, read: 2 } }),
};

/** A page's own template for each row's content (`renderItem`); icon, count and buttons stay. */
export const InboxCustomTemplate: Story = {
  name: 'Inbox: custom item template',
  args: { variant: 'inbox' },
  parameters: { layout: 'padded' },
  render: (args) =>
    renderFeed(args, {
      history: { count: 4, read: 2 },
      renderItem: (notification, context) =>
        html`<p style="margin:0"><strong>${notification.title}</strong>${context.unread ? ' (new)' : ''}: ${notification.message}</p>`,
    }),
};
