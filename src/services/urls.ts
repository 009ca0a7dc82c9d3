/**
 * Resolves `url` against `base` and maps http(s) to ws(s) when `scheme` is `ws`, or the reverse.
 * Throws a TypeError when a relative URL has no base to resolve against.
 */
export function resolveUrl(url: string, base: string | undefined, scheme: 'ws' | 'http'): URL {
  const resolved = base === undefined ? new URL(url) : new URL(url, base);
  if (scheme === 'ws') {
    if (resolved.protocol === 'http:') resolved.protocol = 'ws:';
    else if (resolved.protocol === 'https:') resolved.protocol = 'wss:';
  } else if (resolved.protocol === 'ws:') resolved.protocol = 'http:';
  else if (resolved.protocol === 'wss:') resolved.protocol = 'https:';
  return resolved;
}

/** The page's URL when there is a page; read at call time. */
export function pageUrl(): string | undefined {
  const href = (globalThis as { location?: { href?: string } }).location?.href;
  return typeof href === 'string' ? href : undefined;
}
