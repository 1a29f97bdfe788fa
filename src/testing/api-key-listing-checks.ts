import type { ApiKey, IApiKeyStore, ListApiKeysOptions } from '../stores/api-key';
import type { Check, CheckContext } from './runner';
import { expectKey, idsOf, minimalKey, saveKey, timeline } from './api-key-fixtures';
import { expectEqual, nonce } from './support';

/** Saves keys in the order given (each with its own createdAt); resolves to them. */
async function saveAll(store: IApiKeyStore, ctx: CheckContext, keys: ApiKey[]) {
  for (const key of keys) await saveKey(store, ctx, key);
  return keys;
}

/** The ids listed for `options`; the store may hold other keys, so checks filter by a tag. */
async function listed(store: IApiKeyStore, options: ListApiKeysOptions): Promise<string[]> {
  const keys = await store.listKeys!({ limit: 100, ...options });
  return idsOf(keys, `listKeys(${JSON.stringify(options)})`);
}

/** listKeys: the admin listing and a user's own keys. */
export const apiKeyListingChecks: readonly Check<IApiKeyStore>[] = [
  {
    name: 'listKeys lists newest first by createdAt and pages with limit and offset',
    needs: ['listKeys'],
    async run(store, ctx) {
      const [tag, at] = [nonce(), timeline()];
      const [k0, k1, k2, k3] = [0, 1, 2, 3].map((i) =>
        minimalKey({ name: `listing ${tag} ${i}`, createdAt: at(i * 1_000 - 60_000) }),
      ) as [ApiKey, ApiKey, ApiKey, ApiKey];
      // Saved out of order: the listing follows createdAt, not the order of saves.
      await saveAll(store, ctx, [k2, k0, k3, k1]);
      const newestFirst = [k3.id, k2.id, k1.id, k0.id];
      expectEqual(await listed(store, { filter: tag }), newestFirst, 'ids listed for the tag');
      const pages: string[][] = [];
      for (const offset of [0, 2, 4]) {
        pages.push(await listed(store, { filter: tag, limit: 2, offset }));
      }
      expectEqual(pages, [newestFirst.slice(0, 2), newestFirst.slice(2), []], 'pages of limit 2');
      expectEqual(
        (await listed(store, { limit: 1 })).length,
        1,
        'length of listKeys({ limit: 1 })',
      );
      const [second] = await store.listKeys!({ filter: tag, limit: 1, offset: 1 });
      expectKey(second, k2, 'the key listed at offset 1');
    },
  },
  {
    name: 'listKeys filters by a case-insensitive substring of name, prefix or service id, taking % and _ literally',
    needs: ['listKeys'],
    async run(store, ctx) {
      const [tag, at] = [nonce(), timeline()];
      const TAG = tag.toUpperCase();
      const byName = minimalKey({ name: `Nightly ${TAG}%_x`, createdAt: at(-1_000) });
      const byService = minimalKey({ serviceId: `SVC-${TAG}-b`, createdAt: at(-2_000) });
      const byPrefix = minimalKey({ name: `plain ${nonce()}`, createdAt: at(-3_000) });
      await saveAll(store, ctx, [byName, byService, byPrefix]);
      const cases: Array<[string, string[]]> = [
        [tag, [byName.id, byService.id]],
        [TAG, [byName.id, byService.id]],
        [`nightly ${tag}`, [byName.id]],
        [`svc-${tag}`, [byService.id]],
        [byPrefix.keyPrefix.toUpperCase(), [byPrefix.id]],
        // As LIKE patterns these would match more (or other) keys than the literal text does.
        [`${tag}%_`, [byName.id]],
        [`${tag}%`, [byName.id]],
        [`${tag}_`, []],
        [`${tag.slice(0, 3)}_${tag.slice(4)}`, []],
      ];
      for (const [filter, expected] of cases) {
        const what = `listKeys({ filter: ${JSON.stringify(filter)} })`;
        expectEqual(await listed(store, { filter }), expected, what);
      }
    },
  },
  {
    name: "listKeys with userId lists only that user's keys, newest first, and combines with filter",
    needs: ['listKeys'],
    async run(store, ctx) {
      const [user, otherUser, tag, at] = [
        `kw-u-${nonce()}`,
        `kw-u-${nonce()}`,
        nonce(),
        timeline(),
      ];
      const older = minimalKey({ userId: user, name: `mine ${tag} a`, createdAt: at(-4_000) });
      const theirs = minimalKey({
        userId: otherUser,
        name: `theirs ${tag}`,
        createdAt: at(-3_000),
      });
      const newer = minimalKey({ userId: user, name: `mine ${tag} b`, createdAt: at(-2_000) });
      const service = minimalKey({ name: `service ${tag}`, createdAt: at(-1_000) });
      await saveAll(store, ctx, [older, newer, theirs, service]);
      expectEqual(await listed(store, { userId: user }), [newer.id, older.id], "the user's keys");
      expectEqual(await listed(store, { userId: otherUser }), [theirs.id], "another user's keys");
      expectEqual(
        await listed(store, { userId: user, filter: `${tag} A` }),
        [older.id],
        "the user's keys matching a filter",
      );
      expectEqual(await listed(store, { userId: `kw-u-${nonce()}` }), [], 'a user with no keys');
      expectEqual(
        await listed(store, { filter: tag }),
        [service.id, newer.id, theirs.id, older.id],
        'every key of the tag, without userId',
      );
    },
  },
];
