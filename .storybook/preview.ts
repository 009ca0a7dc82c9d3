import type { Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import { withActions } from 'storybook/actions/decorator';
import manifest from '../custom-elements.json';

// Docs pages (attributes, properties, events, slots, parts, CSS properties) come from the manifest.
setCustomElementsManifest(manifest);

const preview: Preview = {
  tags: ['autodocs'],
  decorators: [withActions],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
    // The kit's events (all bubble) show in the Actions panel as the simulated backend drives them.
    actions: {
      handles: [
        'realtime-state-change',
        'realtime-error',
        'notification-show',
        'notification-dismiss',
        'notification-unread-change',
        'notification-mark-error',
        'notification-load-error',
        'activity-load-error',
        'collab-status-change',
        'collab-peers-change',
      ],
    },
    // Axe runs in the a11y panel; the same check runs in the suite (test/stories/stories.test.ts).
    a11y: { test: 'error' },
  },
};

export default preview;
