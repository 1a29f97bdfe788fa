import type { IPendingLinkStore } from '../stores/linking';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type CheckContext, type ConformanceOptions } from './runner';
import { expectEqual, expectNull, nonce, uniqueEmail } from './support';

type Store = IPendingLinkStore;

/** A fresh email and provider; the entry is removed after the check. */
function entry(store: Store, ctx: CheckContext) {
  const email = uniqueEmail('Pending');
  const provider = `kw-prov-${nonce()}`;
  ctx.defer(() => store.remove(email, provider));
  return { email, provider, accountId: `acct_${nonce()}%'"` };
}

/** Every check {@link checkPendingLinkStore} runs, in order (names are stable). */
export const pendingLinkStoreChecks: readonly Check<Store>[] = [
  {
    name: 'retrieve returns what stash stored, and null when nothing is stashed',
    async run(store, ctx) {
      const e = entry(store, ctx);
      expectNull(await store.retrieve(e.email, e.provider), 'retrieve before stash');
      await store.stash(e.email, e.provider, e.accountId);
      expectEqual(
        await store.retrieve(e.email, e.provider),
        { providerAccountId: e.accountId },
        'retrieve',
      );
      expectEqual(
        await store.retrieve(e.email, e.provider),
        { providerAccountId: e.accountId },
        'retrieve again',
      );
    },
  },
  {
    name: 'the email is case-insensitive for stash, retrieve and remove',
    async run(store, ctx) {
      const e = entry(store, ctx);
      await store.stash(e.email, e.provider, e.accountId);
      const found = await store.retrieve(e.email.toUpperCase(), e.provider);
      expectEqual(
        found,
        { providerAccountId: e.accountId },
        'retrieve with the upper-case address',
      );
      const replacement = `acct_${nonce()}`;
      await store.stash(e.email.toLowerCase(), e.provider, replacement);
      expectEqual(
        await store.retrieve(e.email, e.provider),
        { providerAccountId: replacement },
        'after stashing under the lower-case address',
      );
      await store.remove(e.email.toUpperCase(), e.provider);
      expectNull(
        await store.retrieve(e.email, e.provider),
        'retrieve after remove with the upper-case address',
      );
    },
  },
  {
    name: 'entries are kept per provider and per email',
    async run(store, ctx) {
      const e = entry(store, ctx);
      const other = entry(store, ctx);
      await store.stash(e.email, e.provider, e.accountId);
      await store.stash(e.email, other.provider, other.accountId);
      expectEqual(
        await store.retrieve(e.email, other.provider),
        { providerAccountId: other.accountId },
        'other provider',
      );
      expectNull(await store.retrieve(other.email, e.provider), 'other email');
      ctx.defer(() => store.remove(e.email, other.provider));
      await store.remove(e.email, other.provider);
      expectEqual(
        await store.retrieve(e.email, e.provider),
        { providerAccountId: e.accountId },
        'first provider after removing the other',
      );
    },
  },
  {
    name: 'stash replaces an earlier entry and remove deletes it',
    async run(store, ctx) {
      const e = entry(store, ctx);
      await store.stash(e.email, e.provider, e.accountId);
      await store.stash(e.email, e.provider, `${e.accountId}-2`);
      expectEqual(
        await store.retrieve(e.email, e.provider),
        { providerAccountId: `${e.accountId}-2` },
        'after the second stash',
      );
      await store.remove(e.email, e.provider);
      expectNull(await store.retrieve(e.email, e.provider), 'after remove');
      await store.remove(e.email, e.provider);
    },
  },
];

/** Checks an {@link IPendingLinkStore} with random emails and providers, removed afterwards. */
export function checkPendingLinkStore(
  store: Store,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('IPendingLinkStore', store, pendingLinkStoreChecks, options);
}
