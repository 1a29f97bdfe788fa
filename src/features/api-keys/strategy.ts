import { AuthError } from '../../core/errors';
import type { ApiKey, IApiKeyStore } from '../../stores/api-key';
import { ApiKeyHasher, type ApiKeyHashOptions } from './key-hasher';
import { API_KEY_PATTERN, prefixOf } from './key-format';
import { ipAllowed } from './ip-allowlist';

/** What a route learns about the caller (`req.apiKey`). */
export interface ApiKeyContext {
  keyId: string;
  keyPrefix: string;
  name: string;
  serviceId?: string;
  scopes: string[];
  /** The owning user of a self-service key. */
  userId?: string;
}

/** What the request must satisfy besides presenting a valid key. */
export interface ApiKeyRequirements {
  /** The client address (Express's `req.ip`), checked against the key's `allowedIps`. */
  ip?: string;
  /** Scopes the key must all hold. */
  requiredScopes?: readonly string[];
  /** Check `allowedIps`. Default true. */
  enforceIpAllowlist?: boolean;
}

/** The outcome of one attempt; `key` is set whenever the presented prefix named a key. */
export type ApiKeyOutcome =
  | { ok: true; key: ApiKey; context: ApiKeyContext }
  | { ok: false; error: AuthError; key?: ApiKey; secretMatched: boolean };

/** A well-formed 64-hex hash no key produces, verified against when the prefix is unknown. */
const UNKNOWN_KEY_HASH = '0'.repeat(64);

export const apiKeyErrors = {
  missing: () => new AuthError('API key required', 'API_KEY_MISSING', 401),
  invalid: () => new AuthError('Invalid API key', 'API_KEY_INVALID', 401),
  revoked: () => new AuthError('API key has been revoked', 'API_KEY_REVOKED', 401),
  expired: () => new AuthError('API key has expired', 'API_KEY_EXPIRED', 401),
  ipBlocked: () =>
    new AuthError('API key not allowed from this address', 'API_KEY_IP_BLOCKED', 403),
  scope: (missing: string[]) =>
    new AuthError('API key lacks a required scope', 'API_KEY_INSUFFICIENT_SCOPE', 403, {
      requiredScopes: missing,
    }),
};

export function contextOf(key: ApiKey): ApiKeyContext {
  return {
    keyId: key.id,
    keyPrefix: key.keyPrefix,
    name: key.name,
    ...(key.serviceId != null && { serviceId: key.serviceId }),
    scopes: [...key.scopes],
    ...(key.userId != null && { userId: key.userId }),
  };
}

/**
 * Checks a presented key: prefix lookup, hash (constant time, also when the prefix is
 * unknown), then revocation, expiry, address and scopes, in that order. The middleware uses
 * it; call it yourself for keys that arrive some other way (a WebSocket handshake, a queue).
 */
export class ApiKeyStrategy {
  readonly name = 'api-key';
  private readonly hasher: ApiKeyHasher;

  constructor(
    private readonly store: IApiKeyStore,
    hashing: ApiKeyHashOptions | ApiKeyHasher = {},
  ) {
    this.hasher = hashing instanceof ApiKeyHasher ? hashing : new ApiKeyHasher(hashing);
  }

  /** Resolves to the key's context, or rejects with the AuthError of the first failed check. */
  async authenticate(
    input: { apiKey: string },
    requirements: ApiKeyRequirements = {},
  ): Promise<ApiKeyContext> {
    const outcome = await this.evaluate(input.apiKey, requirements);
    if (!outcome.ok) throw outcome.error;
    return outcome.context;
  }

  /** Like `authenticate`, but tells which key a failure concerned (for audit and limits). */
  async evaluate(rawKey: string, requirements: ApiKeyRequirements = {}): Promise<ApiKeyOutcome> {
    const key = API_KEY_PATTERN.test(rawKey)
      ? await this.store.findByPrefix(prefixOf(rawKey))
      : null;
    return this.judge(rawKey, key, requirements, () => requirements.ip);
  }

  /**
   * The checks once the record of the key's prefix is known (null: none, or a malformed key):
   * synchronous, so the middleware can look the record up beside its other reads. `ipOf` is
   * called only for a key with an allowlist (reading `req.ip` costs a header parse).
   */
  judge(
    rawKey: string,
    key: ApiKey | null,
    requirements: Omit<ApiKeyRequirements, 'ip'>,
    ipOf: () => string | undefined,
  ): ApiKeyOutcome {
    // The hash is computed whether or not a key was found, so an unknown prefix answers in
    // the same time as a wrong secret.
    const secretMatched = this.hasher.verify(rawKey, key?.keyHash ?? UNKNOWN_KEY_HASH) && !!key;
    if (!key || !secretMatched || key.keyPrefix !== prefixOf(rawKey)) {
      // The key a wrong secret was tried against is named (for its usage log), never answered.
      return {
        ok: false,
        error: apiKeyErrors.invalid(),
        ...(key && { key }),
        secretMatched: false,
      };
    }
    const refuse = (error: AuthError): ApiKeyOutcome => ({ ok: false, error, key, secretMatched });
    if (!key.isActive) return refuse(apiKeyErrors.revoked());
    if (key.expiresAt && new Date(key.expiresAt).getTime() <= Date.now()) {
      return refuse(apiKeyErrors.expired());
    }
    const allowlist = key.allowedIps ?? [];
    if (requirements.enforceIpAllowlist !== false && allowlist.length > 0) {
      if (!ipAllowed(ipOf(), allowlist)) return refuse(apiKeyErrors.ipBlocked());
    }
    const required = requirements.requiredScopes ?? [];
    if (required.length > 0) {
      const missing = required.filter((s) => !key.scopes.includes(s));
      if (missing.length > 0) return refuse(apiKeyErrors.scope(missing));
    }
    return { ok: true, key, context: contextOf(key) };
  }
}
