import type { ApiKey, IApiKeyStore } from '../stores/api-key';
import type { ConformanceReport } from './report';
import { hasMethod, runChecks, type Check, type ConformanceOptions } from './runner';
import {
  HOUR,
  expectKey,
  fullKey,
  idsOf,
  minimalKey,
  removeAfter,
  saveKey,
  timeline,
  unknownId,
  usageEntry,
} from './api-key-fixtures';
import { apiKeyUsageChecks } from './api-key-usage-checks';
import { apiKeyListingChecks } from './api-key-listing-checks';
import {
  expectEqual,
  expectNull,
  expectRejects,
  expectTrue,
  fail,
  isDate,
  msDate,
  show,
} from './support';

type Store = IApiKeyStore;

const CONCURRENT = 10;

/** save, the two look-ups, revoke and updateLastUsed: what the middleware needs. */
const coreChecks: readonly Check<Store>[] = [
  {
    name: 'save then findById and findByPrefix return every field, dates as Dates',
    async run(store, ctx) {
      const key = await saveKey(store, ctx, fullKey());
      expectKey(await store.findById(key.id), key, 'findById');
      expectKey(await store.findByPrefix(key.keyPrefix), key, 'findByPrefix');
    },
  },
  {
    name: 'a key saved without its optional fields comes back without them',
    async run(store, ctx) {
      const key = await saveKey(store, ctx, minimalKey());
      expectKey(await store.findById(key.id), key, 'findById');
      expectKey(await store.findByPrefix(key.keyPrefix), key, 'findByPrefix');
      const emptyIps = await saveKey(store, ctx, minimalKey({ allowedIps: [] }));
      expectKey(await store.findById(emptyIps.id), emptyIps, 'findById of allowedIps: []');
    },
  },
  {
    name: 'records are copies: changing a saved or returned record does not change the store',
    async run(store, ctx) {
      const key = fullKey();
      const expected = structuredClone(key);
      removeAfter(store, ctx, key.id);
      await store.save(key);
      // The object handed to save, changed afterwards.
      key.name = 'changed after save';
      key.scopes.push('changed:after-save');
      key.createdAt.setTime(0);
      const found = await store.findById(expected.id);
      expectKey(found, expected, 'findById after changing the saved object');
      // A returned record, changed by its reader.
      found!.isActive = false;
      found!.scopes.push('changed:after-read');
      found!.allowedIps?.push('0.0.0.0/0');
      found!.expiresAt?.setTime(0);
      expectKey(await store.findById(expected.id), expected, 'findById after changing a result');
      const byPrefix = await store.findByPrefix(expected.keyPrefix);
      byPrefix!.scopes.length = 0;
      expectKey(await store.findByPrefix(expected.keyPrefix), expected, 'findByPrefix again');
    },
  },
  {
    name: 'findById and findByPrefix return null for an unknown id or prefix',
    async run(store, ctx) {
      const key = await saveKey(store, ctx, minimalKey());
      expectNull(await store.findById(unknownId()), 'findById of an unknown id');
      expectNull(await store.findByPrefix(minimalKey().keyPrefix), 'findByPrefix, unknown');
      // Look-ups are exact: neither a longer nor a differently cased prefix is the key's.
      expectNull(await store.findByPrefix(`${key.keyPrefix}0`), 'findByPrefix, one more char');
      expectNull(await store.findByPrefix(key.keyPrefix.toUpperCase()), 'findByPrefix, upper');
    },
  },
  {
    name: 'save refuses a second key with a keyPrefix already stored, and the first key stays',
    async run(store, ctx) {
      const first = await saveKey(store, ctx, fullKey());
      const second = minimalKey({ keyPrefix: first.keyPrefix });
      removeAfter(store, ctx, second.id);
      await expectRejects(
        () => store.save(structuredClone(second)),
        'save of a second key with the same keyPrefix must reject: the prefix is the look-up index',
      );
      expectKey(await store.findByPrefix(first.keyPrefix), first, 'findByPrefix');
      expectNull(await store.findById(second.id), 'findById of the refused key');
    },
  },
  {
    name: `of ${CONCURRENT} concurrent saves with one keyPrefix exactly one succeeds`,
    async run(store, ctx) {
      const prefix = minimalKey().keyPrefix;
      const keys = Array.from({ length: CONCURRENT }, () => minimalKey({ keyPrefix: prefix }));
      for (const key of keys) removeAfter(store, ctx, key.id);
      const outcomes = await Promise.allSettled(keys.map((k) => store.save(structuredClone(k))));
      const saved = keys.filter((_, i) => outcomes[i]!.status === 'fulfilled');
      if (saved.length !== 1) {
        fail(`exactly one save must succeed, but ${saved.length} of ${CONCURRENT} did`);
      }
      expectKey(await store.findByPrefix(prefix), saved[0]!, 'findByPrefix');
      for (const key of keys) {
        if (key !== saved[0]) expectNull(await store.findById(key.id), 'a refused key');
      }
    },
  },
  {
    name: 'revoke sets isActive false and keeps every other field; findByPrefix returns the revoked key or null',
    async run(store, ctx) {
      const key = await saveKey(store, ctx, fullKey());
      const other = await saveKey(store, ctx, minimalKey());
      await store.revoke(key.id);
      const revoked = { ...key, isActive: false };
      expectKey(await store.findById(key.id), revoked, 'findById after revoke');
      // Either is conformant (see IApiKeyStore); the built-in stores return the revoked key,
      // so keyward can answer API_KEY_REVOKED. What must never come back is an active key.
      const byPrefix = await store.findByPrefix(key.keyPrefix);
      if (byPrefix !== null) expectKey(byPrefix, revoked, 'findByPrefix after revoke');
      await store.revoke(key.id);
      expectKey(await store.findById(key.id), revoked, 'findById after a second revoke');
      expectKey(await store.findById(other.id), other, 'another key');
    },
  },
  {
    name: 'updateLastUsed stores the given instant, and now when none is given',
    async run(store, ctx) {
      const key = await saveKey(store, ctx, minimalKey({ createdAt: msDate(-HOUR) }));
      const first = msDate(-5_000);
      await store.updateLastUsed(key.id, first);
      expectKey(await store.findById(key.id), { ...key, lastUsedAt: first }, 'after the first');
      const later = msDate(-1_000);
      await store.updateLastUsed(key.id, later);
      expectKey(await store.findByPrefix(key.keyPrefix), { ...key, lastUsedAt: later }, 'later');
      const before = Date.now();
      await store.updateLastUsed(key.id);
      const after = Date.now();
      const stamped = (await store.findById(key.id))?.lastUsedAt;
      if (!isDate(stamped)) fail(`lastUsedAt without an argument: got ${show(stamped)}`);
      // A remote store may take the time on its own clock: allow a little drift.
      expectTrue(
        stamped.getTime() >= before - 1_000 && stamped.getTime() <= after + 1_000,
        `updateLastUsed(id) stored ${show(stamped)}, not the current time`,
      );
    },
  },
  {
    name: 'operations on an unknown id do nothing and do not throw',
    async run(store, ctx) {
      const bystander = await saveKey(store, ctx, fullKey());
      const id = unknownId();
      await store.revoke(id);
      await store.updateLastUsed(id, msDate(0));
      await store.updateLastUsed(id);
      if (hasMethod(store, 'delete')) await store.delete!(id);
      if (hasMethod(store, 'listUsage')) expectEqual(await store.listUsage!(id), [], 'listUsage');
      expectNull(await store.findById(id), 'findById of the unknown id');
      expectKey(await store.findById(bystander.id), bystander, 'another key');
    },
  },
];

/** Checks `delete`: the key, its prefix and (with the audit methods) its usage log go. */
const deleteChecks: readonly Check<Store>[] = [
  {
    name: 'delete removes the key and frees its prefix for another key',
    needs: ['delete'],
    async run(store, ctx) {
      const key = await saveKey(store, ctx, fullKey());
      const other = await saveKey(store, ctx, fullKey({ userId: key.userId }));
      await store.delete!(key.id);
      expectNull(await store.findById(key.id), 'findById after delete');
      expectNull(await store.findByPrefix(key.keyPrefix), 'findByPrefix after delete');
      if (hasMethod(store, 'listKeys')) {
        const listed = await store.listKeys!({ userId: key.userId, limit: 10 });
        expectEqual(idsOf(listed, 'listKeys'), [other.id], 'listKeys of the owner after delete');
      }
      const successor = await saveKey(store, ctx, minimalKey({ keyPrefix: key.keyPrefix }));
      expectKey(await store.findByPrefix(key.keyPrefix), successor, 'the prefix, saved again');
      await store.delete!(key.id);
      expectKey(await store.findById(other.id), other, 'another key');
    },
  },
  {
    name: "delete removes the key's usage log and no other key's",
    needs: ['delete', 'logUsage', 'listUsage'],
    async run(store, ctx) {
      const key: ApiKey = await saveKey(store, ctx, minimalKey());
      const other: ApiKey = await saveKey(store, ctx, minimalKey());
      const at = timeline();
      const otherEntry = usageEntry(other, at(-2_000));
      await store.logUsage!(usageEntry(key, at(-3_000)));
      await store.logUsage!(otherEntry);
      await store.logUsage!(usageEntry(key, at(-1_000), { success: false, reason: 'X' }));
      await store.delete!(key.id);
      expectEqual(await store.listUsage!(key.id, { limit: 10 }), [], 'listUsage after delete');
      expectEqual(await store.listUsage!(other.id, { limit: 10 }), [otherEntry], 'other log');
    },
  },
];

/** Every check {@link checkApiKeyStore} runs, in order (names are stable). */
export const apiKeyStoreChecks: readonly Check<Store>[] = [
  ...coreChecks,
  ...apiKeyUsageChecks,
  ...apiKeyListingChecks,
  ...deleteChecks,
];

/**
 * Checks an {@link IApiKeyStore}: records kept exactly and as copies, the prefix as a unique
 * index (also under concurrent saves), revoke and lastUsedAt, and, when present, the audit log
 * (`logUsage`, `listUsage`), the listing (`listKeys`) and `delete`. Keys are random (UUID ids,
 * `ak_` prefixes) and deleted afterwards (revoked when the store cannot delete), so the kit
 * runs against a shared database.
 */
export function checkApiKeyStore(
  store: Store,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('IApiKeyStore', store, apiKeyStoreChecks, options);
}
