export * from './validate.js';
export * from './payloads.js';
export * from './envelope.js';
export * from './close-codes.js';
export * from './rest.js';
export * from './collab.js';
