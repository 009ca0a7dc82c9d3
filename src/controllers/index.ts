export * from './connection-controller.js';
export * from './context-subscription.js';
export * from './frame-batcher.js';
export * from './relative-time-controller.js';
export * from './warnings.js';
export * from './lang-controller.js';
