import type { ReactiveController, ReactiveControllerHost } from 'lit';

// One observer on <html lang> for the whole page, shared by every host and dropped with the last.
const pageHosts = new Set<ReactiveControllerHost>();
let pageObserver: MutationObserver | null = null;

function joinPage(host: ReactiveControllerHost, root: Element): void {
  pageHosts.add(host);
  if (pageObserver) return;
  pageObserver = new MutationObserver(() => {
    for (const each of pageHosts) each.requestUpdate();
  });
  pageObserver.observe(root, { attributes: true, attributeFilter: ['lang'] });
}

function leavePage(host: ReactiveControllerHost): void {
  pageHosts.delete(host);
  if (pageHosts.size === 0 && pageObserver) {
    pageObserver.disconnect();
    pageObserver = null;
  }
}

/** Hosts watching the page's `lang` and whether the shared observer runs; for leak checks. */
export function langObserverState(): { readonly hosts: number; readonly running: boolean } {
  return { hosts: pageHosts.size, running: pageObserver !== null };
}

/**
 * Re-renders its host when its own `lang` attribute or the page's `<html lang>` changes, so
 * strings and relative times follow a language switch without a reload. `lang` is a global
 * attribute Lit does not observe by itself.
 */
export class LangController implements ReactiveController {
  readonly #host: ReactiveControllerHost & Element;
  #observer: MutationObserver | null = null;

  constructor(host: ReactiveControllerHost & Element) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#observer = new MutationObserver(() => this.#host.requestUpdate());
    this.#observer.observe(this.#host, { attributes: true, attributeFilter: ['lang'] });
    joinPage(this.#host, this.#host.ownerDocument.documentElement);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = null;
    leavePage(this.#host);
  }
}
