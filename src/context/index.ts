export * from './keys.js';
export type * from './api.js';
export type * from './collab.js';
