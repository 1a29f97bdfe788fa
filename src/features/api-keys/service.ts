import { randomUUID } from 'node:crypto';
import { AuthError } from '../../core/errors';
import { AuthEventNames, type AuthEventBus } from '../../core/events';
import type { ApiKey, IApiKeyStore } from '../../stores/api-key';
import { ApiKeyHasher, type ApiKeyHashOptions } from './key-hasher';
import { generateRawKey, prefixOf } from './key-format';
import { validKeyInput, type CreateApiKeyInput } from './key-input';

/** Options of {@link ApiKeyService}; none is needed. */
export interface ApiKeyServiceOptions extends ApiKeyHashOptions {
  /** Publishes `identity.apikey.created`, `.revoked` and `.deleted` here. */
  eventBus?: AuthEventBus;
}

/** Who made a change, recorded in the event (`data.actor`, and `ip`). */
export interface ApiKeyActor {
  actor?: string;
  ip?: string;
}

/** Draws before giving up on finding an unused prefix (each clash has odds of n / 2^32). */
const PREFIX_ATTEMPTS = 5;
/** Keys read per page when revoking all of a user's. */
const USER_KEYS_PAGE = 100;

/** Creates, revokes and deletes keys; the raw key leaves only through `createKey`'s answer. */
export class ApiKeyService {
  readonly hasher: ApiKeyHasher;
  private readonly bus: AuthEventBus | undefined;

  constructor(options: ApiKeyServiceOptions = {}) {
    this.hasher = new ApiKeyHasher(options);
    this.bus = options.eventBus;
  }

  /**
   * Makes a key and saves its hash. Show `rawKey` to the caller once: it is not stored and
   * cannot be recovered. Invalid fields are a 400 INVALID_INPUT AuthError.
   */
  async createKey(
    store: IApiKeyStore,
    input: CreateApiKeyInput,
    by: ApiKeyActor = {},
  ): Promise<{ rawKey: string; record: ApiKey }> {
    const fields = validKeyInput(input);
    for (let attempt = 1; ; attempt++) {
      const rawKey = generateRawKey();
      const keyPrefix = prefixOf(rawKey);
      // The prefix is the lookup index and must be unique: draw again on a clash. A store
      // that enforces uniqueness (the SQL one) also refuses a clash that races this check.
      if (await store.findByPrefix(keyPrefix)) {
        if (attempt < PREFIX_ATTEMPTS) continue;
        throw new Error('keyward: no unused API key prefix found');
      }
      const record: ApiKey = {
        id: randomUUID(),
        name: fields.name,
        keyPrefix,
        keyHash: this.hasher.hash(rawKey),
        ...(fields.serviceId !== undefined && { serviceId: fields.serviceId }),
        scopes: [...new Set(fields.scopes)],
        allowedIps: fields.allowedIps.map((ip) => ip.trim()),
        isActive: true,
        ...(fields.expiresAt && { expiresAt: fields.expiresAt }),
        createdAt: new Date(),
        ...(fields.userId !== undefined && { userId: fields.userId }),
      };
      try {
        await store.save(record);
      } catch (err) {
        if (attempt < PREFIX_ATTEMPTS && (await store.findByPrefix(keyPrefix))) continue;
        throw err;
      }
      this.publish(AuthEventNames.APIKEY_CREATED, record, by);
      return { rawKey, record };
    }
  }

  /**
   * Revokes a key (isActive false): refused from the next request. 404 API_KEY_NOT_FOUND.
   * Revoking a revoked key changes nothing and announces nothing.
   */
  async revokeKey(store: IApiKeyStore, id: string, by: ApiKeyActor = {}): Promise<ApiKey> {
    const key = await this.existing(store, id);
    if (!key.isActive) return key;
    await store.revoke(id);
    this.publish(AuthEventNames.APIKEY_REVOKED, key, by);
    return { ...key, isActive: false };
  }

  /**
   * Deletes a key for good, or revokes it when the store cannot delete. Resolves to what was
   * done, so callers can tell the user.
   */
  async deleteKey(
    store: IApiKeyStore,
    id: string,
    by: ApiKeyActor = {},
  ): Promise<'deleted' | 'revoked'> {
    const key = await this.existing(store, id);
    if (!store.delete) {
      await store.revoke(id);
      this.publish(AuthEventNames.APIKEY_REVOKED, key, by);
      return 'revoked';
    }
    await store.delete(id);
    this.publish(AuthEventNames.APIKEY_DELETED, key, by);
    return 'deleted';
  }

  /**
   * Revokes every active key a user owns (their account is being deleted). Needs `listKeys`;
   * resolves to how many were revoked.
   */
  async revokeUserKeys(store: IApiKeyStore, userId: string, by: ApiKeyActor = {}): Promise<number> {
    if (!store.listKeys) return 0;
    const owned: ApiKey[] = [];
    for (let offset = 0; ; offset += USER_KEYS_PAGE) {
      const page = await store.listKeys({ userId, limit: USER_KEYS_PAGE, offset });
      owned.push(...page);
      if (page.length < USER_KEYS_PAGE) break;
    }
    const active = owned.filter((k) => k.isActive);
    await Promise.all(active.map((k) => this.revokeKey(store, k.id, by)));
    return active.length;
  }

  private async existing(store: IApiKeyStore, id: string): Promise<ApiKey> {
    const key = await store.findById(id);
    if (!key) throw new AuthError('API key not found', 'API_KEY_NOT_FOUND', 404);
    return key;
  }

  private publish(event: string, key: ApiKey, by: ApiKeyActor): void {
    this.bus?.publish(event, {
      ...(key.userId !== undefined && { userId: key.userId }),
      ...(by.ip !== undefined && { ip: by.ip }),
      data: {
        keyId: key.id,
        keyPrefix: key.keyPrefix,
        name: key.name,
        ...(key.serviceId !== undefined && { serviceId: key.serviceId }),
        ...(by.actor !== undefined && { actor: by.actor }),
      },
    });
  }
}
