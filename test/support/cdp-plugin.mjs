// A web-test-runner plugin that lets a browser test speak the DevTools protocol to its own page:
// `executeServerCommand('cdp', { method, params })` sends one CDP command and resolves with its
// result. Used for what synthetic DOM events cannot do, such as a real IME composition
// (`Input.imeSetComposition`) going through Chromium's input pipeline.
//
// One CDP session is kept per page for the page's lifetime, because some commands only hold while
// their session lives (e.g. `Emulation.setFocusEmulationEnabled`, which a background tab needs
// before it gets focus and key events when two test files run side by side).

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function cdpPlugin() {
  /** @type {WeakMap<object, Promise<import('puppeteer-core').CDPSession>>} */
  const sessions = new WeakMap();
  return {
    name: 'cdp',
    async executeCommand({ command, payload, session }) {
      if (command !== 'cdp') return undefined;
      const { method, params } = /** @type {{ method?: unknown, params?: Record<string, unknown> }} */ (payload ?? {});
      if (typeof method !== 'string') throw new Error('cdp: payload.method must be a CDP method name');
      const browser = /** @type {{ getPage?: (id: string) => import('puppeteer-core').Page }} */ (session.browser);
      if (typeof browser.getPage !== 'function') throw new Error(`cdp: browser ${session.browser.name} has no DevTools page`);
      const page = browser.getPage(session.id);
      let client = sessions.get(page);
      if (!client) {
        client = page.createCDPSession();
        sessions.set(page, client);
      }
      return (await client).send(/** @type {any} */ (method), params ?? {});
    },
  };
}
