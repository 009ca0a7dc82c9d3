import { existsSync } from 'node:fs';

/** The Chromium the tests drive: `CHROME_PATH`, or Debian's. Null when neither exists. */
export function chromePath() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((candidate) => candidate && existsSync(candidate)) ?? null;
}
