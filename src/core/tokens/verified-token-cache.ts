import type { AccessTokenPayload } from './claims';

/**
 * Remembers access tokens that already passed verification, keyed by the exact signed string,
 * so a client sending the same token on every request costs one HMAC check in total rather than
 * one per request (measured in bench/: JWT verification was most of the middleware's cost).
 * Only verified tokens enter; expiry is re-checked on every hit; the map is bounded (oldest out).
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, AccessTokenPayload>();

  constructor(private readonly maxEntries = 5000) {}

  /** A copy of the cached claims (so no handler can alter another request's), or undefined. */
  get(token: string, nowSeconds: number): AccessTokenPayload | undefined {
    const payload = this.entries.get(token);
    if (payload === undefined) return undefined;
    if (payload.exp <= nowSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    return { ...payload };
  }

  set(token: string, payload: AccessTokenPayload): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { ...payload });
  }
}
