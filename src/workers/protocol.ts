import type { DataResult, DataTask } from './data-ops.js';

/** What the pool posts to the data worker. */
export interface WorkerRequest {
  readonly id: number;
  readonly task: DataTask;
}

/** What the data worker posts back: a start signal, then one answer per request. */
export type WorkerReply =
  | { readonly ready: true }
  | { readonly id: number; readonly ok: true; readonly result: DataResult }
  | { readonly id: number; readonly ok: false; readonly error: { readonly name: string; readonly message: string } };
