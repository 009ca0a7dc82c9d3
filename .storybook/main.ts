import type { StorybookConfig } from '@storybook/web-components-vite';

// The catalog builds offline: telemetry off (with it on, Storybook waits on DNS lookups that fail).
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-a11y', '@storybook/addon-docs'],
  framework: {
    name: '@storybook/web-components-vite',
    // Not the repo's vite.config.ts: that one is the CDN library build (`build.lib`).
    options: { builder: { viteConfigPath: '.storybook/vite.config.ts' } },
  },
  core: { disableTelemetry: true },
  docs: { defaultName: 'Docs' },
};

export default config;
