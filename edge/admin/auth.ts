/** Compares a request's Authorization header with `Bearer <token>` in constant time: both are
 * hashed first (SHA-256), so neither the length nor the content leaks through timing. */
export async function isAuthorized(header: string | null, token: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [given, expected] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(header ?? "")),
    crypto.subtle.digest("SHA-256", encoder.encode(`Bearer ${token}`)),
  ]);
  return crypto.subtle.timingSafeEqual(given, expected);
}
