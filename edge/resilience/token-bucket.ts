/**
 * Token-bucket rate limiting per client: `burst` tokens, refilled at `rate` per second; each
 * request takes one. Pure: the bucket is plain data updated in place.
 */

export type TokenBucket = { tokens: number; at: number };

/** Takes a token at `now`; when none is left, says how long until one is. */
export function takeToken(
  bucket: TokenBucket,
  now: number,
  rate: number,
  burst: number,
): { allowed: boolean; retryAfterMs: number } {
  const elapsed = Math.max(0, now - bucket.at);
  bucket.tokens = Math.min(burst, bucket.tokens + (elapsed * rate) / 1000);
  bucket.at = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return { allowed: true, retryAfterMs: 0 };
  }
  return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / rate) };
}

/** A bounded map of buckets by client key: the oldest untouched client goes first when full. */
export class TokenBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(private readonly capacity = 10_000) {}

  /** Takes a token for `key`. */
  take(key: string, now: number, rate: number, burst: number): { allowed: boolean; retryAfterMs: number } {
    let bucket = this.buckets.get(key);
    if (bucket) this.buckets.delete(key);
    else {
      bucket = { tokens: burst, at: now };
      if (this.buckets.size >= this.capacity) {
        const oldest = this.buckets.keys().next();
        if (oldest.done !== true) this.buckets.delete(oldest.value);
      }
    }
    this.buckets.set(key, bucket);
    return takeToken(bucket, now, rate, burst);
  }
}
