// Bench page only: counts live timers. No browser API lists pending timers, so setTimeout,
// setInterval and their clear* are wrapped before the kit loads (imported first by the page).
// Live timer ids, with where each was set when `traceTimers(true)` (to name a leak).
const live = new Map<unknown, string>();
let tracing = false;
const origin = (): string => (tracing ? (new Error().stack ?? '').split('\n').slice(3, 7).join(' | ') : '');
// Bound: called as methods of another object they throw "Illegal invocation".
const original = {
  setTimeout: globalThis.setTimeout.bind(globalThis),
  setInterval: globalThis.setInterval.bind(globalThis),
  clearTimeout: globalThis.clearTimeout.bind(globalThis),
  clearInterval: globalThis.clearInterval.bind(globalThis),
};

type TimerHandler = (...args: unknown[]) => void;

globalThis.setTimeout = ((handler: TimerHandler | string, ms?: number, ...args: unknown[]) => {
  if (typeof handler !== 'function') return original.setTimeout(handler, ms, ...args);
  const id = original.setTimeout(
    (...callArgs: unknown[]) => {
      live.delete(id);
      handler(...callArgs);
    },
    ms,
    ...args,
  );
  live.set(id, origin());
  return id;
}) as typeof globalThis.setTimeout;

globalThis.setInterval = ((handler: TimerHandler | string, ms?: number, ...args: unknown[]) => {
  const id = original.setInterval(handler as TimerHandler, ms, ...args);
  live.set(id, origin());
  return id;
}) as typeof globalThis.setInterval;

// Either clear works on either kind of id in browsers.
globalThis.clearTimeout = ((id?: number) => {
  live.delete(id);
  original.clearTimeout(id);
}) as typeof globalThis.clearTimeout;

globalThis.clearInterval = ((id?: number) => {
  live.delete(id);
  original.clearInterval(id);
}) as typeof globalThis.clearInterval;

/** Timeouts not yet fired or cleared, plus intervals not cleared. */
export function liveTimers(): number {
  return live.size;
}

/** Records where timers are set from now on (costs a stack per timer). */
export function traceTimers(on: boolean): void {
  tracing = on;
}

/** Where each live timer was set (empty strings for timers set while not tracing). */
export function liveTimerOrigins(): string[] {
  return [...live.values()];
}
