import type { Revocation } from '../../stores/revocation';

/** The access-token claims the list judges. */
export interface RevocableClaims {
  sub: string;
  sid?: string;
  auth_time?: number;
  iat?: number;
}

/** Told of each revocation that changed what the list refuses (local or from another instance). */
export type RevocationListener = (revocation: Revocation) => void;

/** Clocks of instances sharing a feed may drift; entries are kept this much longer. */
const SKEW_MS = 60_000;
/** Expired entries are swept at most this often, on a write, so the read path never sweeps. */
const SWEEP_EVERY_MS = 30_000;

const toSeconds = (ms: number) => Math.floor(ms / 1000);

/**
 * The revocations of the last access-token lifetime, in memory: session ids, and per-user
 * cutoffs ("every token of this user whose session signed in at or before second T"). Checking
 * a token is one or two Map look-ups, no I/O. An entry is only needed while a token issued
 * before it can still be valid, so each is kept for the access-token lifetime (plus skew).
 *
 * Cutoffs are whole seconds because `auth_time` is: a session that starts within the second of
 * a cutoff must start in the next one instead ({@link signInSecondFor}), or it would be refused.
 */
export class RevocationList {
  /** Session id → when it was revoked (ms). */
  private readonly sessions = new Map<string, number>();
  /** User id → cutoff (epoch seconds). */
  private readonly users = new Map<string, number>();
  private readonly listeners = new Set<RevocationListener>();
  private readonly retentionMs: number;
  private lastSweep = Date.now();

  constructor(accessTtlSeconds: number) {
    this.retentionMs = accessTtlSeconds * 1000 + SKEW_MS;
  }

  /** How far back revocations matter: the start-up load reads from `now - retention`. */
  get retentionSeconds(): number {
    return Math.ceil(this.retentionMs / 1000);
  }

  /** True when the token belongs to a revoked session, or signed in before its user's cutoff. */
  refuses(claims: RevocableClaims): boolean {
    if (this.sessions.size > 0 && claims.sid !== undefined && this.sessions.has(claims.sid)) {
      return true;
    }
    if (this.users.size === 0) return false;
    const cutoff = this.users.get(claims.sub);
    if (cutoff === undefined) return false;
    const signedIn = claims.auth_time ?? claims.iat;
    return signedIn === undefined || signedIn <= cutoff;
  }

  /**
   * Records a revocation; returns true when it changed anything (then listeners are told).
   * Hearing the same revocation again (our own, echoed by the feed) is a no-op.
   */
  add(revocation: Revocation): boolean {
    const at = revocation.at.getTime();
    if (!Number.isFinite(at) || at < Date.now() - this.retentionMs) return false;
    let changed: boolean;
    if (revocation.kind === 'session') {
      changed = !this.sessions.has(revocation.sessionId);
      if (changed) this.sessions.set(revocation.sessionId, at);
    } else {
      const cutoff = toSeconds(at);
      changed = cutoff > (this.users.get(revocation.userId) ?? -Infinity);
      if (changed) this.users.set(revocation.userId, cutoff);
    }
    this.sweepNowAndThen();
    if (changed) {
      for (const listener of this.listeners) {
        try {
          listener(revocation);
        } catch {
          // A listener (an SSE stream, say) must not stop the others or the revocation.
        }
      }
    }
    return changed;
  }

  /**
   * The second a new session of `userId` may start at: now, or the second after the user's
   * cutoff when that is now (a password reset and the next sign-in within one second).
   */
  signInSecondFor(userId: string, nowMs = Date.now()): number {
    const now = toSeconds(nowMs);
    const cutoff = this.users.get(userId);
    return cutoff === undefined || cutoff < now ? now : cutoff + 1;
  }

  /** Calls `listener` for each new revocation; returns a function that stops it. */
  onRevocation(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Entries held (for tests and metrics). */
  get size(): number {
    return this.sessions.size + this.users.size;
  }

  private sweepNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    const oldest = now - this.retentionMs;
    for (const [sid, at] of this.sessions) if (at < oldest) this.sessions.delete(sid);
    for (const [user, cutoff] of this.users) if (cutoff * 1000 < oldest) this.users.delete(user);
  }
}
