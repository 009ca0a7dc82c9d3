import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorBody } from '../src/protocol/index.js';

/** Largest REST body accepted; anything bigger is answered with 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** An error that becomes a JSON answer with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Answers with a JSON body, never cached. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Answers an `HttpError` as `{ error: { message, field? } }`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  const body: ErrorBody = { error: { message: error.message, ...(error.field === undefined ? {} : { field: error.field }) } };
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, body, error.headers);
}

/**
 * Reads a JSON body up to `MAX_BODY_BYTES`. A declared or actual size over the limit is a 413; the
 * rest of the body is drained so the answer still reaches the client.
 */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    const tooBig = () => new HttpError(413, `body must be at most ${MAX_BODY_BYTES} bytes`, undefined, { Connection: 'close' });
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(tooBig());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const onData = (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        chunks.length = 0;
        reject(tooBig());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        reject(new HttpError(400, 'body must be a JSON object', 'body'));
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'body is not valid JSON', 'body'));
      }
    };
    const onError = (error: Error) => {
      cleanup();
      if (!failed) reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Parses an optional non-negative integer query parameter; 400 naming the parameter when malformed. */
export function intParam(url: URL, name: string, options: { min: number; max: number }): number | null {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return null;
  if (!/^\d{1,15}$/.test(text)) throw new HttpError(400, `${name} must be an integer`, name);
  const value = Number(text);
  if (value < options.min || value > options.max) {
    throw new HttpError(400, `${name} must be between ${options.min} and ${options.max}`, name);
  }
  return value;
}
