import type { RealtimeUser } from '../../context/keys.js';

/** Where the generated guest user is kept, so a reload keeps the same identity. */
export const USER_STORAGE_KEY = 'realtime-elements.user';

const COLORS = ['#1d4ed8', '#15803d', '#b45309', '#b91c1c', '#7e22ce', '#0f766e', '#be185d', '#4d7c0f'] as const;

/** A minimal view of `Storage`, so tests and non-browser hosts can pass their own. */
export interface UserStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function isUser(value: unknown): value is RealtimeUser {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record['id'] === 'string' &&
    record['id'] !== '' &&
    record['id'].length <= 200 &&
    typeof record['name'] === 'string' &&
    typeof record['color'] === 'string'
  );
}

/** A fresh guest: a random id, a name like "Guest 1234" and a colour. */
export function generateUser(random: () => number = Math.random): RealtimeUser {
  const id =
    typeof globalThis.crypto?.randomUUID === 'function'
      ? globalThis.crypto.randomUUID()
      : `u-${Math.floor(random() * 2 ** 52).toString(36)}`;
  const number = 1000 + Math.floor(random() * 9000);
  const color = COLORS[Math.floor(random() * COLORS.length)] ?? COLORS[0];
  return { id, name: `Guest ${number}`, color };
}

// Kept for the page's lifetime when storage is unavailable (private mode, sandboxed iframes).
let memoryUser: RealtimeUser | null = null;

/**
 * The page's guest user: read from storage, or generated and stored. Called when a provider
 * connects, never at import. Storage that throws or holds garbage falls back to a fresh user.
 */
export function storedUser(storage: UserStorage | null = defaultStorage()): RealtimeUser {
  if (storage) {
    try {
      const raw = storage.getItem(USER_STORAGE_KEY);
      const parsed: unknown = raw ? JSON.parse(raw) : null;
      if (isUser(parsed)) return { id: parsed.id, name: parsed.name, color: parsed.color };
    } catch {
      // Unreadable or corrupt: replaced below.
    }
    const user = generateUser();
    try {
      storage.setItem(USER_STORAGE_KEY, JSON.stringify(user));
      return user;
    } catch {
      // Quota or access denied: keep it in memory instead.
    }
  }
  memoryUser ??= generateUser();
  return memoryUser;
}

function defaultStorage(): UserStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Reading `localStorage` itself throws in some sandboxed frames.
    return null;
  }
}
