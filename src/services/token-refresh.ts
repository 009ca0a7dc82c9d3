/**
 * The refresh-once policy for access tokens. After the server refuses a token the next attempt
 * asks the page for a fresh one (`getToken({ refresh: true })`); a refusal of that fresh token
 * means no token will do, so the service gives up instead of looping.
 */
export class TokenRefresh {
  /** The next attempt asks for a fresh token. */
  #wanted = false;
  /** The current attempt uses a fresh token. */
  #used = false;

  /** True when the current attempt uses a token asked for with `refresh: true`. */
  get usedRefresh(): boolean {
    return this.#used;
  }

  /** Forgets both flags: a new start. */
  clear(): void {
    this.#wanted = false;
    this.#used = false;
  }

  /** Starts an attempt: answers whether it must ask for a fresh token, and remembers that it did. */
  take(): boolean {
    const refresh = this.#wanted;
    this.#wanted = false;
    this.#used = refresh;
    return refresh;
  }

  /** The server refused the token: the next attempt asks for a fresh one. */
  request(): void {
    this.#wanted = true;
  }

  /** The attempt got through: a later refusal may refresh again. */
  accepted(): void {
    this.#used = false;
  }

  /**
   * The server refused the current attempt's token. Answers true when it was already a fresh one
   * (give up); otherwise asks for a fresh one next time and answers false.
   */
  refused(): boolean {
    if (this.#used) return true;
    this.#wanted = true;
    return false;
  }
}

/** The message of the `auth` error reported when a token is refused and a fresh one will be asked for. */
export const TOKEN_REFUSED_MESSAGE = 'the token was refused; refreshing';

/** The message of the `auth` error reported when the page's token getter throws. */
export function tokenErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'token getter failed';
}
