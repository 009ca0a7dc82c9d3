import type { RealtimeStrings } from '../../strings.js';

/** Local midnight of the day `ts` falls on, as ms since the epoch: equal for two times of one day. */
export function dayStart(ts: number): number {
  return new Date(ts).setHours(0, 0, 0, 0);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(lang: string, withYear: boolean): Intl.DateTimeFormat {
  const key = `${lang}|${withYear ? 'y' : ''}`;
  let format = dateFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}) };
    try {
      format = new Intl.DateTimeFormat(lang, options);
    } catch {
      // An invalid `lang` attribute must not break rendering.
      format = new Intl.DateTimeFormat('en', options);
    }
    dateFormats.set(key, format);
  }
  return format;
}

/** "Today", "Yesterday", or the date in `lang` (with the year when it is not this year's). */
export function dayLabel(day: number, now: number, lang: string, strings: RealtimeStrings): string {
  const today = dayStart(now);
  if (day === today) return strings.activityToday;
  // Through Date rather than 24 h, so a day of 23 or 25 hours (DST) still counts as yesterday.
  const yesterday = new Date(today);
  yesterday.setDate(yesterday.getDate() - 1);
  if (day === yesterday.getTime()) return strings.activityYesterday;
  const date = new Date(day);
  return dateFormat(lang, date.getFullYear() !== new Date(now).getFullYear()).format(date);
}

export { initials } from '../avatar.js';

/** A stable hue (0-359) for a user, so one person keeps one avatar colour across items. */
export function hueOf(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i += 1) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}
