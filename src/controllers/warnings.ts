/** Codes already warned about; each code warns once per page so a list of 500 items warns once. */
const issued = new Set<string>();

/**
 * Dev-time hint for page authors (a missing provider, a misconfigured attribute). Goes to
 * `console.warn` once per `code`; the console is read at call time so tests can observe it.
 */
export function issueWarning(code: string, message: string): void {
  if (issued.has(code)) return;
  issued.add(code);
  globalThis.console?.warn(`[realtime-elements] ${code}: ${message}`);
}

/** Forgets which warnings were issued; for tests. */
export function resetWarnings(): void {
  issued.clear();
}
