/** The bearer credential of an Authorization header: the scheme compares case-insensitively
 * (RFC 9110, 11.1), the token exactly, and one token only (no inner spaces). Null when the header
 * is not a bearer credential. The one rule of every part that checks a token: the edge's admin
 * API, the predictor's writes and the simulator's control routes. */
export function bearerToken(header: string | null | undefined): string | null {
  if (header === null || header === undefined) return null;
  const match = /^bearer +(\S+) *$/i.exec(header);
  return match?.[1] ?? null;
}
