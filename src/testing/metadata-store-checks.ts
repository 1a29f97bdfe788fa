import { randomUUID } from 'node:crypto';
import type { IUserMetadataStore } from '../stores/profile-stores';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type CheckContext, type ConformanceOptions } from './runner';
import { expectEqual, fail, show, trickyJson } from './support';

/** A random user id whose metadata is cleared after the check. */
function userFor(store: IUserMetadataStore, ctx: CheckContext): string {
  const userId = randomUUID();
  ctx.defer(() => store.clearMetadata(userId));
  return userId;
}

/** Every check {@link checkUserMetadataStore} runs, in order (names are stable). */
export const userMetadataStoreChecks: readonly Check<IUserMetadataStore>[] = [
  {
    name: 'getMetadata of a user without metadata gives an empty object',
    async run(store, ctx) {
      expectEqual(await store.getMetadata(userFor(store, ctx)), {}, 'getMetadata(unknown user)');
    },
  },
  {
    name: 'updateMetadata stores the values and getMetadata returns them',
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      await store.updateMetadata(userId, { plan: 'pro', seats: 3 });
      expectEqual(await store.getMetadata(userId), { plan: 'pro', seats: 3 }, 'getMetadata');
    },
  },
  {
    name: 'updateMetadata merges shallowly: new keys are added, given keys replaced whole',
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      await store.updateMetadata(userId, { a: 1, b: { x: 1, y: 1 }, c: 'keep' });
      await store.updateMetadata(userId, { b: { y: 2 }, d: [1] });
      expectEqual(
        await store.getMetadata(userId),
        { a: 1, b: { y: 2 }, c: 'keep', d: [1] },
        'after two updates',
      );
      await store.updateMetadata(userId, {});
      expectEqual(
        await store.getMetadata(userId),
        { a: 1, b: { y: 2 }, c: 'keep', d: [1] },
        'after an empty update',
      );
    },
  },
  {
    name: 'JSON values round-trip exactly: nested objects, arrays, numbers, null, unicode, NUL',
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      const value = { ...trickyJson(), 'key with "quotes", dots.and ünïcødé 🔐': 'ok' };
      await store.updateMetadata(userId, value);
      expectEqual(await store.getMetadata(userId), value, 'getMetadata');
    },
  },
  {
    name: 'clearMetadata removes everything for that user only',
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      const other = userFor(store, ctx);
      await store.updateMetadata(userId, { a: 1 });
      await store.updateMetadata(other, { b: 2 });
      await store.clearMetadata(userId);
      expectEqual(await store.getMetadata(userId), {}, 'cleared user');
      expectEqual(await store.getMetadata(other), { b: 2 }, 'other user');
      await store.clearMetadata(userId);
      await store.updateMetadata(userId, { fresh: true });
      expectEqual(
        await store.getMetadata(userId),
        { fresh: true },
        'after clearing and updating again',
      );
    },
  },
  {
    name: 'mutating returned or passed-in metadata does not change the stored data',
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      const input = { nested: { n: 1 } };
      await store.updateMetadata(userId, input);
      input.nested.n = 2;
      const got = await store.getMetadata(userId);
      if (typeof got.nested !== 'object' || got.nested === null)
        fail(`nested came back as ${show(got.nested)}`);
      (got.nested as { n: number }).n = 3;
      expectEqual(await store.getMetadata(userId), { nested: { n: 1 } }, 'stored metadata');
    },
  },
];

/** Checks an {@link IUserMetadataStore} with random user ids, clearing them afterwards. */
export function checkUserMetadataStore(
  store: IUserMetadataStore,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('IUserMetadataStore', store, userMetadataStoreChecks, options);
}
