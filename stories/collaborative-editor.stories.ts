import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/define/collaborative-editor.js';
import { type StoryAction, storyControls } from './support/controls.js';
import { PEOPLE, SimulatedBackend, type SimulatedCollaborator } from './support/simulated-backend.js';
import { defineSimulatedProvider } from './support/simulated-provider.js';

defineSimulatedProvider();

interface EditorArgs {
  documentId: string;
  readonly: boolean;
  placeholder: string;
  label: string;
  lang: string;
}

const PLAN = `Q3 plan

1. Ship the notification inbox.
2. Make the activity feed survive a flood.
3. Write the launch post.
`;

interface Setup {
  /** Starting text of the document on the simulated server. */
  readonly text?: string;
  /** How many simulated people are in the document when it opens. */
  readonly collaborators?: number;
  /** The first collaborator types this, one character at a time. */
  readonly typing?: string;
  /** This page's network is down from the start. */
  readonly offline?: boolean;
  /** Once synced, this page loses its network and types these while offline. */
  readonly localEdits?: string;
  /** …while a collaborator types these: both merge when the page comes back. */
  readonly remoteEdits?: string;
  /** Time to connect and sync, ms (`Infinity`: stays connecting). */
  readonly latencyMs?: number;
  readonly controls?: boolean;
}

function renderEditor(args: EditorArgs, setup: Setup = {}) {
  const documentId = args.documentId;
  const backend = new SimulatedBackend({
    collab: {
      documents: { [documentId]: setup.text ?? PLAN },
      online: !setup.offline,
      ...(setup.latencyMs === undefined ? {} : { latencyMs: setup.latencyMs }),
    },
  });
  const collab = backend.collab;
  const people: SimulatedCollaborator[] = [];
  const join = (): SimulatedCollaborator => {
    const user = PEOPLE[people.length % PEOPLE.length]!;
    const collaborator = collab.addCollaborator(documentId, { ...user, id: `${user.id}-${people.length}` });
    // Carets at the ends of successive lines; the second person selects the word before theirs.
    const text = collaborator.text.toString();
    const ends = [...text.matchAll(/\n/g)].map((match) => match.index).filter((index) => index > 0 && text[index - 1] !== '\n');
    const at = ends[(people.length + 1) % Math.max(1, ends.length)] ?? text.length;
    if (people.length === 1) collaborator.select(Math.max(0, at - 6), at);
    else collaborator.select(at);
    people.push(collaborator);
    return collaborator;
  };
  for (let index = 0; index < (setup.collaborators ?? 0); index += 1) join();
  if (setup.typing) people[0]?.typeSlowly(setup.typing);
  const { localEdits, remoteEdits } = setup;
  if (localEdits || remoteEdits) {
    void collab.opened(documentId).then((session) => {
      const stop = session.onStatus((status) => {
        if (status.state !== 'saved') return;
        stop();
        collab.setOnline(false);
        if (localEdits) session.type(localEdits);
        if (remoteEdits) people[0]?.type(remoteEdits);
      });
    });
  }
  const actions: StoryAction[] = setup.controls
    ? [
        { label: 'Add a collaborator', run: () => void join() },
        { label: 'Collaborator types', run: () => (people[0] ?? join()).typeSlowly(' Typed by someone else.') },
        { label: 'Last collaborator leaves', run: () => people.pop()?.leave() },
        { label: 'Go offline', run: () => collab.setOnline(false) },
        { label: 'Come back online', run: () => collab.setOnline(true) },
      ]
    : [];
  return html`<simulated-provider .backend=${backend} .user=${backend.user}>
    <collaborative-editor
      document-id=${documentId}
      ?readonly=${args.readonly}
      placeholder=${ifDefined(args.placeholder || undefined)}
      label=${ifDefined(args.label || undefined)}
      lang=${ifDefined(args.lang || undefined)}
    ></collaborative-editor>
    ${storyControls(actions)}
  </simulated-provider>`;
}

const meta: Meta<EditorArgs> = {
  title: 'Elements/collaborative-editor',
  component: 'collaborative-editor',
  args: { documentId: 'q3-plan', readonly: false, placeholder: 'Type here…', label: '', lang: '' },
  argTypes: {
    documentId: { control: 'text', name: 'document-id' },
    readonly: { control: 'boolean' },
    placeholder: { control: 'text' },
    label: { control: 'text' },
    lang: { control: 'inline-radio', options: ['', 'en', 'fr'] },
  },
  render: (args) => renderEditor(args),
};
export default meta;

type Story = StoryObj<EditorArgs>;

/** Add collaborators, make them type or leave, take this page offline and back. */
export const Playground: Story = {
  render: (args) => renderEditor(args, { collaborators: 1, controls: true }),
};

/** Opening the document: still connecting. */
export const Connecting: Story = {
  render: (args) => renderEditor(args, { latencyMs: Infinity }),
};

/** Alone in the document, everything saved. */
export const Saved: Story = {};

/** An empty document with its placeholder. */
export const Empty: Story = {
  render: (args) => renderEditor(args, { text: '' }),
};

/** Two other people: avatars, names, a caret and a selection in their colours. */
export const WithCollaborators: Story = {
  name: 'With collaborators',
  render: (args) => renderEditor(args, { collaborators: 2 }),
};

/** Someone else types; their caret moves and yours stays on its characters. */
export const CollaboratorTyping: Story = {
  name: 'Collaborator typing',
  render: (args) => renderEditor(args, { collaborators: 1, typing: ' Then book the launch venue.' }),
};

/** A crowd: five people in the document. */
export const ManyCollaborators: Story = {
  name: 'Many collaborators',
  render: (args) => renderEditor(args, { collaborators: 5 }),
};

/**
 * The page synced, lost its network and typed; a collaborator edited meanwhile. The status counts
 * the unsaved changes; "Come back online" merges both sides.
 */
export const OfflineEdits: Story = {
  name: 'Offline edits',
  render: (args) =>
    renderEditor(args, {
      collaborators: 1,
      localEdits: '4. Typed while offline.\n',
      remoteEdits: ' (Grace, meanwhile: agreed.)',
      controls: true,
    }),
};

/** Opened with no network: offline, with nothing of the shared text yet. */
export const OpenedOffline: Story = {
  name: 'Opened offline',
  render: (args) => renderEditor(args, { offline: true, controls: true }),
};

/** The text shows live but cannot be edited. */
export const ReadOnly: Story = {
  name: 'Read-only',
  args: { readonly: true },
  render: (args) => renderEditor(args, { collaborators: 1 }),
};

/** French labels. */
export const French: Story = {
  args: { lang: 'fr' },
  render: (args) => renderEditor(args, { collaborators: 2 }),
};
