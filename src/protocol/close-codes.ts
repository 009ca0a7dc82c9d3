/** WebSocket close codes the kit and the reference server agree on. */
export const CloseCode = {
  /** The page closed the connection. */
  Normal: 1000,
  /** The server is shutting down or restarting; reconnect. */
  GoingAway: 1001,
  /** A frame was larger than `maxFrameBytes`; do not resend it. */
  TooBig: 1009,
  /** The server is overloaded or the client could not keep up; reconnect and resume. */
  TryAgainLater: 1013,
  /** The token or ticket expired; refresh it and retry once. */
  TokenExpired: 4001,
  /** Not allowed; stop retrying and show `failed`. */
  Forbidden: 4003,
  /** Too many messages; back off longer before retrying. */
  RateLimited: 4008,
  /** The client sent a frame that is not a valid envelope. */
  ProtocolError: 4400,
} as const;

/** Name of a kit close code, e.g. `TokenExpired`. */
export type CloseCodeName = keyof typeof CloseCode;
/** Numeric value of a kit close code, e.g. `4001`. */
export type CloseCodeValue = (typeof CloseCode)[CloseCodeName];
