// Every story of the Storybook catalog, rendered here under @web/test-runner and checked with axe.
// Stories are CSF3 objects: this composes args and render the way Storybook does (meta args,
// then story args; the story's render, else the meta's), mounts the result, waits for the
// simulated backend and the elements to settle, finishes animations and runs axe.
import { expect, fixtureSync, oneEvent } from '@open-wc/testing';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { LitElement, TemplateResult } from 'lit';
import { html, render } from 'lit';
import type { CollaborativeEditor } from '../../src/elements/collaborative-editor/collaborative-editor.js';
import { setLatencyScale } from '../../stories/support/timing.js';
import { SimulatedProvider } from '../../stories/support/simulated-provider.js';
import * as activityFeed from '../../stories/activity-feed.stories.js';
import * as collaborativeEditor from '../../stories/collaborative-editor.stories.js';
import * as connectionBadge from '../../stories/connection-badge.stories.js';
import * as notificationFeed from '../../stories/notification-feed.stories.js';
import * as realtimeProvider from '../../stories/realtime-provider.stories.js';

type Args = Record<string, unknown>;
type StoryModule = { readonly default: Meta<Args> } & Readonly<Record<string, unknown>>;

const MODULES: readonly StoryModule[] = [
  connectionBadge,
  notificationFeed,
  activityFeed,
  collaborativeEditor,
  realtimeProvider,
] as unknown as readonly StoryModule[];

// The simulated server answers in a twentieth of its story latency; countdowns keep real time.
setLatencyScale(0.05);

/** The named stories of a module, in export order (`__namedExportsOrder` when given). */
function storiesOf(module: StoryModule): [string, StoryObj<Args>][] {
  const order = (module['__namedExportsOrder'] as string[] | undefined) ?? Object.keys(module);
  return order
    .filter((name) => name !== 'default' && name !== '__namedExportsOrder' && /^[A-Z]/.test(name))
    .map((name) => [name, module[name] as StoryObj<Args>]);
}

/** Storybook's default render for a web component: the tag with args as properties. */
function defaultRender(component: string | undefined, args: Args): HTMLElement {
  const element = document.createElement(component ?? 'div');
  Object.assign(element, args);
  return element;
}

/** Every element below `root`, through open shadow roots. */
function* deep(root: ParentNode): Iterable<Element> {
  for (const element of root.querySelectorAll('*')) {
    yield element;
    if (element.shadowRoot) yield* deep(element.shadowRoot);
  }
}

/** The simulated providers of a story, the root included. */
function providersIn(root: HTMLElement): SimulatedProvider[] {
  return [root, ...deep(root)].filter((el): el is SimulatedProvider => el.localName === 'simulated-provider');
}

/** Waits for the simulated backends to finish what is in flight and every Lit element to render. */
async function settle(root: HTMLElement): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    const backends = providersIn(root).map((provider) => provider.backend).filter((backend) => backend !== undefined);
    await Promise.all(backends.map((backend) => backend.settled()));
    const lit = [root, ...deep(root)].filter((el): el is LitElement => 'updateComplete' in el);
    await Promise.all(lit.map((el) => el.updateComplete));
    if (backends.every((backend) => !backend.inflight.busy) && lit.every((el) => !el.isUpdatePending)) return;
  }
}

/** Finishes entrance animations: a row fading in fails contrast until it is opaque. */
function finishAnimations(root: HTMLElement): void {
  const roots: (Element | ShadowRoot)[] = [root, ...[...deep(root)].flatMap((el) => (el.shadowRoot ? [el.shadowRoot] : []))];
  for (const node of roots) {
    const animations = 'getAnimations' in node ? node.getAnimations({ subtree: true }) : [];
    for (const animation of animations) {
      // Endless ones (a spinner, a loading pulse) cannot finish: checked at their first frame.
      if (animation.effect?.getComputedTiming().endTime === Infinity) {
        animation.pause();
        animation.currentTime = 0;
      } else {
        animation.finish();
      }
    }
  }
}

async function mount(meta: Meta<Args>, story: StoryObj<Args>): Promise<HTMLElement> {
  const args: Args = { ...meta.args, ...story.args };
  const renderer = story.render ?? meta.render;
  const context = { args, argTypes: {}, globals: {}, parameters: {}, id: '', name: '', title: meta.title ?? '' };
  const result: unknown = renderer
    ? (renderer as unknown as (args: Args, context: unknown) => unknown)(args, context)
    : defaultRender(meta.component, args);
  // One wrapper so a template with several top-level nodes is checked as a whole. fixtureSync:
  // `fixture` waits for a frame, which never comes in the background page of a parallel run.
  const host = fixtureSync<HTMLElement>(html`<div data-story></div>`);
  if (result instanceof Node) host.append(result);
  else render(result as TemplateResult, host);
  return host;
}

/** What each connection-badge story promises to show: a story per state. */
const BADGE_LOOKS: Readonly<Record<string, { state: string; degraded?: boolean; stale?: boolean }>> = {
  Playground: { state: 'open' },
  Connecting: { state: 'connecting' },
  Open: { state: 'open' },
  Reconnecting: { state: 'reconnecting' },
  Offline: { state: 'offline' },
  Failed: { state: 'failed' },
  Closed: { state: 'closed' },
  Idle: { state: 'idle' },
  DegradedSse: { state: 'open', degraded: true },
  DegradedPolling: { state: 'open', degraded: true },
  Stale: { state: 'open', stale: true },
  StaleDegraded: { state: 'open', degraded: true, stale: true },
  CompactReconnecting: { state: 'reconnecting' },
  French: { state: 'reconnecting' },
};

/** What each collaborative-editor story promises: its sync state and how many other people. */
const EDITOR_LOOKS: Readonly<Record<string, { state: string; peers: number; unsaved?: number }>> = {
  Playground: { state: 'saved', peers: 1 },
  Connecting: { state: 'connecting', peers: 0 },
  Saved: { state: 'saved', peers: 0 },
  Empty: { state: 'saved', peers: 0 },
  WithCollaborators: { state: 'saved', peers: 2 },
  CollaboratorTyping: { state: 'saved', peers: 1 },
  ManyCollaborators: { state: 'saved', peers: 5 },
  OfflineEdits: { state: 'offline', peers: 0, unsaved: 1 },
  OpenedOffline: { state: 'offline', peers: 0 },
  ReadOnly: { state: 'saved', peers: 1 },
  French: { state: 'saved', peers: 2 },
};

/** Feed stories whose state shows as a part: the story must reach it. */
const FEED_PARTS: Readonly<Record<string, string>> = {
  'Elements/activity-feed/Loading': 'loading',
  'Elements/activity-feed/Empty': 'empty',
  'Elements/activity-feed/LoadError': 'error',
  'Elements/activity-feed/OlderPages': 'load-older',
  'Elements/activity-feed/OlderError': 'older-error',
  'Elements/activity-feed/FilterNoMatch': 'empty',
  'Elements/notification-feed/InboxLoading': 'loading',
  'Elements/notification-feed/InboxEmpty': 'empty',
  'Elements/notification-feed/InboxError': 'error',
  'Elements/notification-feed/InboxMany': 'load-older',
  'Elements/notification-feed/ToastMore': 'more',
  'Elements/notification-feed/ToastBurst': 'more',
  'Elements/notification-feed/ToastGrouped': 'count',
  'Elements/notification-feed/InboxUnread': 'unread',
  'Elements/notification-feed/InboxOlderError': 'error',
  'Elements/activity-feed/GroupedByDay': 'day',
  'Elements/activity-feed/LargeFiltered': 'item',
};

/** Editors read presence once per frame, outside `updateComplete`: wait for the peers event. */
async function peersShown(editor: CollaborativeEditor, count: number): Promise<void> {
  while (editor.peers.length < count) await oneEvent(editor, 'collab-peers-change');
}

/** Checks that the story shows the state it is named for (an idle page passes axe too). */
async function expectPromisedLook(meta: Meta<Args>, name: string, host: HTMLElement): Promise<void> {
  expect(host.childElementCount, 'the story rendered something').to.be.greaterThan(0);
  // A provider tag left undefined would hand nothing down.
  for (const provider of providersIn(host)) expect(provider).to.be.instanceOf(SimulatedProvider);
  const part = FEED_PARTS[`${meta.title}/${name}`];
  if (part) {
    const found = [...deep(host)].some((el) => el.getAttribute('part')?.split(' ').includes(part));
    expect(found, `part "${part}" shown`).to.be.true;
  }
  if (meta.component === 'collaborative-editor') {
    const look = EDITOR_LOOKS[name];
    expect(look, `expected look of ${name}`).to.exist;
    const editor = host.querySelector('collaborative-editor')!;
    await peersShown(editor, look!.peers);
    expect(editor.state).to.equal(look!.state);
    expect(editor.peers.length).to.equal(look!.peers);
    expect(editor.unsaved).to.equal(look!.unsaved ?? 0);
  }
  if (meta.component === 'connection-badge') {
    const look = BADGE_LOOKS[name];
    expect(look, `expected look of ${name}`).to.exist;
    const badge = host.querySelector('connection-badge')!;
    expect(badge.state).to.equal(look!.state);
    expect(badge.degraded).to.equal(look!.degraded ?? false);
    expect(badge.stale).to.equal(look!.stale ?? false);
  }
}

let count = 0;

for (const module of MODULES) {
  const meta = module.default;
  describe(`Story catalog: ${meta.title}`, () => {
    for (const [name, story] of storiesOf(module)) {
      count += 1;
      it(`the "${story.name ?? name}" story shows its state and passes axe`, async () => {
        const host = await mount(meta, story);
        await settle(host);
        await expectPromisedLook(meta, name, host);
        await settle(host);
        finishAnimations(host);
        await expect(host).to.be.accessible();
      });
    }
  });
}

describe('Story catalog', () => {
  it('holds a story for every element and state it promises', () => {
    // Sixty-odd stories; a module that exports nothing would otherwise pass silently.
    expect(count).to.be.greaterThan(40);
    for (const module of MODULES) expect(storiesOf(module).length, module.default.title).to.be.greaterThan(0);
  });
});
