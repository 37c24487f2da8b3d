/** Parses a duration: a number with a unit (`90s`, `15m`, `6h`, `14d`, `2w`) or plain seconds.
 * Returns seconds, or null when the text is not one. */
export function parseDurationSeconds(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$/i.exec(text);
  if (!match) return null;
  const units: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };
  return Number(match[1]) * (units[(match[2] ?? "s").toLowerCase()] ?? 1);
}
