import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { ref } from 'lit/directives/ref.js';
import '../src/define/activity-feed.js';
import '../src/define/connection-badge.js';
import type { ActivityItem } from '../src/protocol/index.js';
import { type StoryAction, storyControls } from './support/controls.js';
import { type ApiMode, SimulatedBackend } from './support/simulated-backend.js';
import { defineSimulatedProvider } from './support/simulated-provider.js';

defineSimulatedProvider();

interface ActivityArgs {
  max: number | undefined;
  infinite: boolean;
  filterUser: string;
  filterAction: string;
  /** Clauses such as `action=commented on|edited;userName~a`. */
  filter: string;
  /** Fields such as `userName,-ts`. */
  sortBy: string;
  /**
   * Bounds the scroller so the list scrolls inside the feed (`--rt-activity-max-block-size`). Only
   * in stories whose scroller holds a focusable control: a bounded list of plain rows cannot be
   * scrolled from the keyboard (axe: scrollable-region-focusable), reported against the feed.
   */
  maxBlockSize: string;
  lang: string;
}

interface Setup {
  /** History in the log: how many items over how many days. */
  readonly history?: { count: number; days?: number };
  /** Live items published when the story starts (delivered once the line opens). */
  readonly publish?: number;
  readonly mode?: ApiMode;
  readonly olderMode?: ApiMode;
  readonly offline?: boolean;
  readonly controls?: boolean;
  /** Clicks "Load older" once the first page is in, as a user would. */
  readonly clickLoadOlder?: boolean;
  /** A page's own template for an item's content. */
  readonly renderItem?: (item: ActivityItem) => unknown;
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

function renderFeed(args: ActivityArgs, setup: Setup = {}) {
  const backend = new SimulatedBackend({
    mode: setup.mode ?? 'ok',
    ...(setup.olderMode ? { olderMode: setup.olderMode } : {}),
    connection: { online: !setup.offline },
  });
  if (setup.history) backend.seedActivities(setup.history.count, setup.history);
  backend.burstActivities(setup.publish ?? 0);
  const connection = backend.connection;
  const actions: StoryAction[] = setup.controls
    ? [
        { label: 'Publish an activity', run: () => backend.publishActivity() },
        { label: 'Burst of 200', run: () => backend.burstActivities(200) },
        { label: 'Drop the connection', run: () => connection.drop() },
        { label: 'Go offline', run: () => connection.setOnline(false) },
        { label: 'Come back online', run: () => connection.setOnline(true) },
        { label: 'Server resets its log', run: () => connection.reset() },
      ]
    : [];
  return html`<simulated-provider .backend=${backend} .user=${backend.user}>
    ${setup.controls ? html`<connection-badge></connection-badge>` : null}
    <activity-feed
      max=${ifDefined(args.max)}
      ?infinite=${args.infinite}
      filter-user=${ifDefined(args.filterUser || undefined)}
      filter-action=${ifDefined(args.filterAction || undefined)}
      filter=${ifDefined(args.filter || undefined)}
      sort-by=${ifDefined(args.sortBy || undefined)}
      lang=${ifDefined(args.lang || undefined)}
      style=${ifDefined(args.maxBlockSize ? `--rt-activity-max-block-size: ${args.maxBlockSize}` : undefined)}
      .renderItem=${setup.renderItem}
      ${ref(setup.clickLoadOlder ? (element) => loadOlderOnce(backend, element) : undefined)}
    ></activity-feed>
    ${storyControls(actions)}
  </simulated-provider>`;
}

const meta: Meta<ActivityArgs> = {
  title: 'Elements/activity-feed',
  component: 'activity-feed',
  args: { max: undefined, infinite: false, filterUser: '', filterAction: '', filter: '', sortBy: '', maxBlockSize: '', lang: '' },
  argTypes: {
    max: { control: 'number' },
    infinite: { control: 'boolean' },
    filterUser: { control: 'select', options: ['', 'Grace Hopper', 'Alan Turing', 'u-katherine', 'Nobody'], name: 'filter-user' },
    filterAction: { control: 'select', options: ['', 'edited', 'commented on', 'merged', 'deleted'], name: 'filter-action' },
    filter: { control: 'text' },
    sortBy: { control: 'text', name: 'sort-by' },
    maxBlockSize: { control: 'text', name: '--rt-activity-max-block-size' },
    lang: { control: 'inline-radio', options: ['', 'en', 'fr'] },
  },
  render: (args) => renderFeed(args, { history: { count: 12, days: 2 } }),
};
export default meta;

type Story = StoryObj<ActivityArgs>;

/** History, live events and the buttons: publish, burst, drop the line, reset the log. */
export const Playground: Story = {
  args: { maxBlockSize: '24rem' },
  render: (args) => renderFeed(args, { history: { count: 60, days: 4 }, controls: true }),
};

/** The first page has not answered yet. */
export const Loading: Story = {
  render: (args) => renderFeed(args, { mode: 'pending' }),
};

/** Nothing has happened yet. */
export const Empty: Story = {
  render: (args) => renderFeed(args),
};

/** The first page failed: the message and a retry button. */
export const LoadError: Story = {
  name: 'Error',
  render: (args) => renderFeed(args, { mode: 'error' }),
};

/** A day-long history. */
export const FewItems: Story = {
  name: 'A few items',
};

/** Five hundred items, virtualized: only the rows near the viewport are in the DOM. */
export const ManyItems: Story = {
  name: 'Many items',
  args: { maxBlockSize: '24rem' },
  render: (args) => renderFeed(args, { history: { count: 500, days: 10 } }),
};

/** Items over several days, under "Today", "Yesterday" and dates. */
export const GroupedByDay: Story = {
  name: 'Grouped by day',
  render: (args) => renderFeed(args, { history: { count: 30, days: 5 } }),
};

/** Three hundred live events in one task on top of a short history, merged in one render. */
export const Burst: Story = {
  render: (args) => renderFeed(args, { history: { count: 10 }, publish: 300 }),
};

/**
 * Three thousand items kept (over the 2,000 at which filtering and sorting move to the shared
 * worker pool), filtered and sorted off the main thread.
 */
export const LargeFiltered: Story = {
  name: 'Large list, filtered in a worker',
  args: { max: 5000, filter: 'action=edited|merged', sortBy: 'userName,-seq', maxBlockSize: '24rem' },
  render: (args) => renderFeed(args, { history: { count: 30 }, publish: 3000 }),
};

/** Older pages with the "Load older" button. */
export const OlderPages: Story = {
  name: 'Older pages',
  args: { maxBlockSize: '24rem' },
  render: (args) => renderFeed(args, { history: { count: 80, days: 6 } }),
};

/** Older pages load as the end of the list scrolls into view. */
export const Infinite: Story = {
  name: 'Infinite scroll',
  args: { infinite: true, maxBlockSize: '24rem' },
  render: (args) => renderFeed(args, { history: { count: 120, days: 8 } }),
};

/** Older pages fail: an error next to the button, which now reads "Retry". */
export const OlderError: Story = {
  name: 'Older page fails',
  render: (args) => renderFeed(args, { history: { count: 40, days: 2 }, olderMode: 'error', clickLoadOlder: true }),
};

/** Only one person's activity (`filter-user`). */
export const FilterByUser: Story = {
  name: 'Filter: one user',
  args: { filterUser: 'Grace Hopper' },
  render: (args) => renderFeed(args, { history: { count: 40, days: 3 } }),
};

/** Only one kind of action (`filter-action`). */
export const FilterByAction: Story = {
  name: 'Filter: one action',
  args: { filterAction: 'edited' },
  render: (args) => renderFeed(args, { history: { count: 40, days: 3 } }),
};

/** A `filter` expression: two actions, and a name containing "a". */
export const FilterExpression: Story = {
  name: 'Filter: expression',
  args: { filter: 'action=commented on|edited;userName~a' },
  render: (args) => renderFeed(args, { history: { count: 40, days: 3 } }),
};

/** `sort-by`: by name, then newest first; no day headings outside time order. */
export const SortByUser: Story = {
  name: 'Sort: by user',
  args: { sortBy: 'userName,-ts' },
  render: (args) => renderFeed(args, { history: { count: 20, days: 3 } }),
};

/** A `filter` that cannot be read is ignored as a whole (and reported once), never thrown. */
export const FilterInvalid: Story = {
  name: 'Filter: invalid expression',
  args: { filter: 'userName ?? Ada' },
  render: (args) => renderFeed(args, { history: { count: 12, days: 2 } }),
};

/** The filters hide every kept item. */
export const FilterNoMatch: Story = {
  name: 'Filter: no match',
  args: { filterUser: 'Nobody' },
};

/** The live line is down: the header says so, history still shows. */
export const Offline: Story = {
  render: (args) => renderFeed(args, { history: { count: 12, days: 2 }, offline: true }),
};

/** French labels, day headings and relative times. */
export const French: Story = {
  args: { lang: 'fr' },
  render: (args) => renderFeed(args, { history: { count: 20, days: 3 } }),
};

/** A page's own template for each item (`renderItem`); day headings and virtualization stay. */
export const CustomTemplate: Story = {
  name: 'Custom item template',
  render: (args) =>
    renderFeed(args, {
      history: { count: 12, days: 2 },
      renderItem: (item) => html`<p style="margin:0">${item.userName} <em>${item.action}</em> “${item.target}”</p>`,
    }),
};
