/**
 * A machine identity: a service (or a user's script) that calls your API with a key instead of
 * a session. The raw key is never stored; `keyHash` is its SHA-256 (or HMAC-SHA256 under the
 * server's pepper), and `keyPrefix` (its first 11 characters, `ak_` + 8 hex) is the lookup index.
 */
export interface ApiKey {
  id: string;
  /** A label for people ("stripe-webhook", "nightly export"). */
  name: string;
  /** The key's first 11 characters (`ak_` + 8 hex), unique among keys; safe to show and log. */
  keyPrefix: string;
  /** Lower-case hex of the key's SHA-256, or of its HMAC-SHA256 under the pepper. */
  keyHash: string;
  /** The service or tenant the key speaks for, if any. */
  serviceId?: string;
  /** What the key may do; routes ask for some with `requiredScopes`. */
  scopes: string[];
  /** Exact IPv4/IPv6 addresses or CIDR ranges; empty or absent means any address. */
  allowedIps?: string[];
  /** False once revoked; a revoked key is refused with API_KEY_REVOKED. */
  isActive: boolean;
  expiresAt?: Date;
  /** Updated at most once a minute per key and instance, not on every request. */
  lastUsedAt?: Date;
  createdAt: Date;
  /** The user who owns the key (self-service keys); absent for service keys. */
  userId?: string;
}

/** One attempt to use a key, as the audit log records it. */
export interface ApiKeyAuditEntry {
  /** The key's id when the presented prefix named a key; absent for unknown prefixes. */
  keyId?: string;
  /** The presented prefix (at most 11 characters); never the rest of the key. */
  keyPrefix: string;
  ip: string;
  path: string;
  method: string;
  success: boolean;
  /** The error code of a failure (API_KEY_INVALID, …); absent on success. */
  reason?: string;
  at: Date;
}

/** Paging and filtering of key listings. */
export interface ListApiKeysOptions {
  limit?: number;
  offset?: number;
  /** Case-insensitive substring of the name, prefix or service id. */
  filter?: string;
  /** Only the keys this user owns. */
  userId?: string;
}

/** Paging of a key's usage log. */
export interface ListApiKeyUsageOptions {
  limit?: number;
  offset?: number;
}

/**
 * Where keys live. The first five methods are what the middleware needs (the reference's
 * minimal store); the optional ones switch on the audit log, the admin listing and hard
 * deletion. `findByPrefix` may return revoked keys (keyward then answers API_KEY_REVOKED) or
 * only active ones (then a revoked key is simply API_KEY_INVALID).
 */
export interface IApiKeyStore {
  save(key: ApiKey): Promise<void>;
  findByPrefix(prefix: string): Promise<ApiKey | null>;
  findById(id: string): Promise<ApiKey | null>;
  /** Sets `isActive: false`; the next request with the key is refused. */
  revoke(id: string): Promise<void>;
  updateLastUsed(id: string, at?: Date): Promise<void>;
  /** Records an attempt (with `auditLog: true`). */
  logUsage?(entry: ApiKeyAuditEntry): Promise<void>;
  /** Newest first. Needed by the admin listing and self-service keys. */
  listKeys?(options?: ListApiKeysOptions): Promise<ApiKey[]>;
  /** Removes the key and its usage log; the admin falls back to `revoke` without it. */
  delete?(id: string): Promise<void>;
  /** A key's audit entries, newest first. */
  listUsage?(keyId: string, options?: ListApiKeyUsageOptions): Promise<ApiKeyAuditEntry[]>;
}
