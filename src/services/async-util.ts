/**
 * Settles as `work` does, or rejects with `aborted` as soon as `signal` aborts: a token getter or
 * an injected `fetch` that ignores its signal still cannot hold a request past its deadline.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Nobody will await `work` any more; keep its rejection from going unhandled.
    work.catch(() => undefined);
    return Promise.reject(new Error('aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

let encoder: TextEncoder | undefined;

/** Size of `text` in UTF-8 bytes, which is what frame limits count. */
export function utf8Bytes(text: string): number {
  encoder ??= new TextEncoder();
  return encoder.encode(text).length;
}

/**
 * A random id: `crypto.randomUUID()` where the page has it (secure contexts), else a random
 * base-36 string, so plain `http://` pages that are not localhost still work.
 */
export function randomId(random: () => number = Math.random): string {
  return typeof globalThis.crypto?.randomUUID === 'function'
    ? globalThis.crypto.randomUUID()
    : `${Math.floor(random() * 2 ** 52).toString(36)}${Math.floor(random() * 2 ** 52).toString(36)}`;
}
