import { createContext } from '@lit/context';
import type { RealtimeConnection } from '../services/types.js';
import type { RealtimeApi } from './api.js';
import type { CollabService } from './collab.js';

/** The page's user as the provider knows it. */
export interface RealtimeUser {
  readonly id: string;
  readonly name: string;
  readonly color: string;
}

export const connectionContext = createContext<RealtimeConnection | undefined>(Symbol('realtime.connection'));
export const apiContext = createContext<RealtimeApi | undefined>(Symbol('realtime.api'));
export const collabContext = createContext<CollabService | undefined>(Symbol('realtime.collab'));
export const userContext = createContext<RealtimeUser | undefined>(Symbol('realtime.user'));
