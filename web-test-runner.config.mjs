import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { register } from 'tsx/esm/api';
import { realtimeServerPlugin } from './test/support/server-plugin.mjs';
import { cdpPlugin } from './test/support/cdp-plugin.mjs';
import { sharedServerPlugin } from './test/support/shared-server-plugin.mjs';
import { CHROME_FLAGS, chromePath } from './scripts/chrome-path.mjs';

// Lets the server plugin import the TypeScript reference server.
register();

const executablePath = chromePath();

export default {
  files: ['test/**/*.test.ts', '!test/**/*.node.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'development'] },
  // Chromium runs neither standard decorators nor `accessor`: lower everything to ES2022.
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }), realtimeServerPlugin(), cdpPlugin(), sharedServerPlugin()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: CHROME_FLAGS,
      },
    }),
  ],
  concurrency: 2,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 600000,
  browserStartTimeout: 60000,
};
