import { AuthSync, type AuthSyncOptions } from '../../services/auth-sync.js';
import type { TokenGetter, Unsubscribe } from '../../services/types.js';

/** Options of {@link ProviderAuth}. */
export interface ProviderAuthOptions {
  /** Channel and lock name: providers (in any tab) with the same name share logins and logouts. */
  readonly name: string;
  /** The page's token getter, if any. */
  readonly getToken: TokenGetter | undefined;
  /** Some tab logged out (this one: `local`). */
  readonly onLogout: (reason: string | null, local: boolean) => void;
  /** Environment for tests (channel scope, locks, storage). */
  readonly auth?: Omit<AuthSyncOptions, 'refresh' | 'token' | 'name'>;
}

/**
 * The provider's side of {@link AuthSync}: logout across tabs, and one token refresh across tabs.
 *
 * `getToken({ refresh: true })` goes through AuthSync, so tabs whose tokens expire together make one
 * refresh request (the page's getter with `refresh: true`) and share its answer; when another tab
 * already replaced the token that was refused, its token is the answer. Without `refresh`, a
 * token that AuthSync obtained (a refresh in any tab) is handed out; before there is one, the
 * page's getter answers.
 */
export class ProviderAuth {
  readonly #auth: AuthSync;
  readonly #off: Unsubscribe;
  /** What the services ask for tokens; undefined when the page gave no getter. */
  readonly getToken: TokenGetter | undefined;

  constructor(options: ProviderAuthOptions) {
    const page = options.getToken;
    this.#auth = new AuthSync({
      ...options.auth,
      name: options.name,
      refresh: async () => {
        const token = page ? await page({ refresh: true }) : null;
        if (!token) throw new Error('the token getter gave no token');
        return token;
      },
    });
    this.#off = this.#auth.on('logout', ({ reason, local }) => options.onLogout(reason, local));
    // The last token handed out: a refusal is about that one, so a newer token (another tab's
    // refresh) answers it without a request, however long ago that refresh was.
    let given: string | null | undefined = null;
    this.getToken = page
      ? async ({ refresh }) => {
          const current = this.#auth.token;
          if (!refresh) given = current ?? (await page({ refresh: false }));
          else if (current !== null && current !== given) given = current;
          else given = await this.#auth.getToken({ refresh: true });
          return given;
        }
      : undefined;
  }

  /** Logs every tab out. */
  logout(reason: string | null = null): void {
    this.#auth.logout(reason);
  }

  close(): void {
    this.#off();
    this.#auth.close();
  }
}
