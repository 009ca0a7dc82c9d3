import { html, nothing, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { PeerCursor } from '../../services/collab-cursors.js';
import { initials as avatarInitials } from '../avatar.js';

/** Black or white, whichever reads better on a `#rgb`/`#rrggbb` colour (white for other forms). */
export function readableTextOn(color: string): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color.trim())?.[1];
  if (!hex) return '#fff';
  const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join('') : hex;
  const channel = (offset: number) => {
    const value = parseInt(full.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  // Contrast against white (1.05 / (L + 0.05)) beats contrast against black ((L + 0.05) / 0.05)?
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#fff' : '#000';
}

/** Initials for a person's avatar; a nameless person shows none (the anonymous label is read instead). */
export function initials(name: string): string {
  return avatarInitials(name, '');
}

const peerStyle = (color: string) => styleMap({ '--rt-peer-color': color, '--rt-peer-text': readableTextOn(color) });

/**
 * The mirror of the text area's text with other people's carets and selections marked: the text
 * is split at every selection edge and caret; a selection is a `<mark>` tinted with the person's
 * colour (the first person's where selections overlap), a caret a zero-width span with a bar and
 * the person's name above it. The text itself is transparent: only the marks show over the area.
 */
export function renderRemoteCarets(text: string, cursors: readonly PeerCursor[], anonymous: string): TemplateResult {
  const clamp = (index: number) => Math.max(0, Math.min(index, text.length));
  const ranges = cursors.map((cursor) => ({
    cursor,
    from: clamp(Math.min(cursor.anchor, cursor.head)),
    to: clamp(Math.max(cursor.anchor, cursor.head)),
    head: clamp(cursor.head),
  }));
  const cuts = new Set<number>([0, text.length]);
  for (const range of ranges) cuts.add(range.from).add(range.to).add(range.head);
  const points = [...cuts].sort((a, b) => a - b);
  const parts: Array<TemplateResult | string> = [];
  for (let i = 0; i < points.length; i += 1) {
    const at = points[i]!;
    for (const range of ranges) {
      if (range.head !== at) continue;
      const { color, name } = range.cursor;
      parts.push(
        html`<span part="caret" class="caret" style=${peerStyle(color)}
          ><span part="caret-label" class="caret-label">${name || anonymous}</span></span
        >`,
      );
    }
    const next = points[i + 1];
    if (next === undefined || next === at) continue;
    const segment = text.slice(at, next);
    const cover = ranges.find((range) => range.from <= at && range.to >= next);
    parts.push(cover ? html`<mark part="selection" style=${peerStyle(cover.cursor.color)}>${segment}</mark>` : segment);
  }
  // A final line break only takes up a line when something follows it.
  parts.push('\u200b');
  return html`${parts}`;
}

/** Nothing when nobody shares a caret, so a page with one editor pays for no mirror text. */
export function remoteCaretsOrNothing(
  text: string,
  cursors: readonly PeerCursor[],
  anonymous: string,
): TemplateResult | typeof nothing {
  return cursors.length > 0 ? renderRemoteCarets(text, cursors, anonymous) : nothing;
}
