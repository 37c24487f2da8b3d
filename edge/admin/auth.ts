import { bearerToken } from "../../contracts/bearer-token.ts";

const encoder = new TextEncoder();

const digest = (text: string): Promise<ArrayBuffer> => crypto.subtle.digest("SHA-256", encoder.encode(text));

/**
 * The admin token (the ADMIN_TOKEN secret). A presented token is compared in constant time: both
 * sides are hashed (SHA-256) first and the digests compared with timingSafeEqual, so neither the
 * token's length nor its content leaks through timing. The token's own digest is computed once.
 */
export class AdminToken {
  private readonly expected: Promise<ArrayBuffer>;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** True when `header` is `Bearer <the admin token>`. */
  async authorizes(header: string | null): Promise<boolean> {
    const presented = bearerToken(header);
    const [given, expected] = await Promise.all([digest(presented ?? ""), this.expected]);
    return presented !== null && crypto.subtle.timingSafeEqual(given, expected);
  }
}
