/**
 * Up to two letters for an avatar: the first of the first and last words ("Ada Lovelace" → "AL"),
 * or `empty` for a blank name. Shared by the activity feed and the editor's people list.
 */
export function initials(name: string, empty = '?'): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const first = words[0];
  if (!first) return empty;
  const letter = (word: string) => Array.from(word)[0]!.toLocaleUpperCase();
  const last = words.length > 1 ? words[words.length - 1]! : undefined;
  return last ? letter(first) + letter(last) : letter(first);
}
