import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { resolveLang } from '../strings.js';

/** How often every relative time on the page is refreshed, in ms. */
export const RELATIVE_TIME_TICK_MS = 15_000;

// One ticker for the whole page, started by the first host and stopped by the last (ref-counted),
// so 500 list items and five feeds cost one interval.
// Each host with how it wants to be re-rendered.
const hosts = new Map<ReactiveControllerHost, () => void>();
let ticker: ReturnType<typeof globalThis.setInterval> | null = null;

function tick(): void {
  for (const requestUpdate of hosts.values()) requestUpdate();
}

function join(host: ReactiveControllerHost, requestUpdate: () => void): void {
  hosts.set(host, requestUpdate);
  if (ticker === null) ticker = globalThis.setInterval(tick, RELATIVE_TIME_TICK_MS);
}

function leave(host: ReactiveControllerHost): void {
  hosts.delete(host);
  if (hosts.size === 0 && ticker !== null) {
    globalThis.clearInterval(ticker);
    ticker = null;
  }
}

/** Hosts on the shared ticker and whether it runs; for leak checks. */
export function relativeTimeTickerState(): { readonly hosts: number; readonly running: boolean } {
  return { hosts: hosts.size, running: ticker !== null };
}

const formatters = new Map<string, Intl.RelativeTimeFormat>();

function formatterFor(lang: string): Intl.RelativeTimeFormat {
  let formatter = formatters.get(lang);
  if (!formatter) {
    try {
      formatter = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
    } catch {
      // An invalid `lang` attribute must not break rendering.
      formatter = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
    }
    formatters.set(lang, formatter);
  }
  return formatter;
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** `ts` relative to `now` in `lang`: "now" under 45 s, then minutes, hours, days, ... */
export function formatRelativeTime(ts: number, now: number, lang: string): string {
  const seconds = (ts - now) / 1000;
  const formatter = formatterFor(lang);
  if (Math.abs(seconds) < 45) return formatter.format(0, 'second');
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return formatter.format(Math.round(seconds / size), unit);
  }
  return formatter.format(Math.round(seconds / 60), 'minute');
}

/**
 * Re-renders its host on the shared ticker and formats times in the host's language
 * (`Intl.RelativeTimeFormat`, element `lang` first, then the page's).
 */
export class RelativeTimeController implements ReactiveController {
  readonly #host: ReactiveControllerHost & Element;
  readonly #requestUpdate: () => void;

  /** `requestUpdate` replaces the host's own (a host that renders once per frame passes its frame request). */
  constructor(host: ReactiveControllerHost & Element, requestUpdate?: () => void) {
    this.#host = host;
    this.#requestUpdate = requestUpdate ?? (() => host.requestUpdate());
    host.addController(this);
  }

  hostConnected(): void {
    join(this.#host, this.#requestUpdate);
  }

  hostDisconnected(): void {
    leave(this.#host);
  }

  /** `ts` (ms since the epoch) as "5 minutes ago" in the host's language. */
  format(ts: number, now: number = Date.now()): string {
    return formatRelativeTime(ts, now, resolveLang(this.#host));
  }
}
