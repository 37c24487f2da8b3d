/** The bearer credential of an Authorization header: the scheme compares case-insensitively
 * (RFC 9110, 11.1), the token exactly. Null when the header is not a bearer credential. */
export function bearerToken(header: string | null): string | null {
  if (header === null) return null;
  const match = /^bearer +(\S+) *$/i.exec(header);
  return match?.[1] ?? null;
}
