import type { ApiKeyAuditEntry, IApiKeyStore } from '../stores/api-key';
import { hasMethod, type Check } from './runner';
import { minimalKey, saveKey, timeline, usageEntry } from './api-key-fixtures';
import { TRICKY_TEXT, expectEqual, fail, isDate, msDate, show } from './support';

/** A listing of audit entries must be an array of entries whose `at` is a Date. */
function expectEntries(actual: unknown, expected: ApiKeyAuditEntry[], what: string): void {
  if (!Array.isArray(actual)) fail(`${what}: expected an array, got ${show(actual)}`);
  for (const entry of actual as ApiKeyAuditEntry[]) {
    if (!isDate(entry?.at)) fail(`${what}: at expected a Date, got ${show(entry?.at)}`);
  }
  expectEqual(actual, expected, what);
}

/** logUsage and listUsage: the audit log of `createApiKeyMiddleware({ auditLog: true })`. */
export const apiKeyUsageChecks: readonly Check<IApiKeyStore>[] = [
  {
    name: 'logUsage entries come back from listUsage newest first, every field kept',
    needs: ['logUsage', 'listUsage'],
    async run(store, ctx) {
      const key = await saveKey(store, ctx, minimalKey());
      const other = await saveKey(store, ctx, minimalKey());
      const at = timeline();
      const entries = [
        usageEntry(key, at(-3_000)),
        usageEntry(key, at(-2_000), {
          success: false,
          reason: 'API_KEY_INVALID',
          ip: '203.0.113.9',
          method: 'POST',
          path: `/tools/${TRICKY_TEXT}`,
        }),
        usageEntry(key, at(-1_000), { success: false, reason: 'API_KEY_REVOKED' }),
      ];
      await store.logUsage!(structuredClone(entries[0]!));
      // Another key's entry in between: each key's log holds its own entries only.
      await store.logUsage!(usageEntry(other, at(-2_500)));
      await store.logUsage!(structuredClone(entries[1]!));
      await store.logUsage!(structuredClone(entries[2]!));
      const listed = await store.listUsage!(key.id, { limit: 10 });
      expectEntries(listed, [...entries].reverse(), 'listUsage');
    },
  },
  {
    name: 'listUsage pages with limit and offset, without overlaps or gaps',
    needs: ['logUsage', 'listUsage'],
    async run(store, ctx) {
      const key = await saveKey(store, ctx, minimalKey());
      const start = msDate(-10_000).getTime();
      for (let i = 0; i < 5; i++) {
        await store.logUsage!(usageEntry(key, new Date(start + i * 1_000), { path: `/page/${i}` }));
      }
      const pages: string[][] = [];
      for (const offset of [0, 2, 4, 6]) {
        const page = await store.listUsage!(key.id, { limit: 2, offset });
        if (!Array.isArray(page)) fail(`listUsage at offset ${offset} returned ${show(page)}`);
        pages.push(page.map((e) => e?.path));
      }
      expectEqual(
        pages.map((p) => p.length),
        [2, 2, 1, 0],
        'page sizes for limit 2',
      );
      expectEqual(
        pages.flat(),
        ['/page/4', '/page/3', '/page/2', '/page/1', '/page/0'],
        'paths over all pages',
      );
    },
  },
  {
    name: 'logUsage accepts entries of unknown prefixes, without keyId, and lists them under no key',
    needs: ['logUsage'],
    async run(store, ctx) {
      const key = await saveKey(store, ctx, minimalKey());
      const failure = { success: false, reason: 'API_KEY_INVALID' };
      await store.logUsage!(usageEntry(undefined, msDate(0), failure));
      await store.logUsage!(
        usageEntry(undefined, msDate(0), { ...failure, keyPrefix: 'not-a-key' }),
      );
      // A real key's prefix without keyId (logged before the key existed, say): logs are kept
      // by keyId, so the key's own log stays empty.
      await store.logUsage!(
        usageEntry(undefined, msDate(0), { ...failure, keyPrefix: key.keyPrefix }),
      );
      if (hasMethod(store, 'listUsage')) {
        expectEntries(await store.listUsage!(key.id, { limit: 10 }), [], "the key's listUsage");
      }
    },
  },
];
