import { randomUUID } from 'node:crypto';
import type { ILinkedAccountsStore, LinkedAccount } from '../stores/profile-stores';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type CheckContext, type ConformanceOptions } from './runner';
import {
  expectEqual,
  expectNull,
  expectRejects,
  fail,
  instantOf,
  isAbsent,
  nonce,
  show,
  uniqueEmail,
} from './support';

type Store = ILinkedAccountsStore;

/** A provider account no other run uses; the link is removed after the check. */
function account(
  ctx: CheckContext,
  store: Store,
  owners: string[],
  extra: Partial<LinkedAccount> = {},
): LinkedAccount {
  const linked: LinkedAccount = {
    provider: `kw-prov-${nonce()}`,
    providerAccountId: `acct_${nonce()}%'"`,
    email: uniqueEmail('Linked'),
    ...extra,
  };
  ctx.defer(() =>
    Promise.all(
      owners.map((u) => store.unlinkAccount(u, linked.provider, linked.providerAccountId)),
    ),
  );
  return linked;
}

/** The accounts of `userId` as comparable `provider/id/email` entries, sorted. */
async function linksOf(store: Store, userId: string): Promise<string[]> {
  const links = await store.getLinkedAccounts(userId);
  if (!Array.isArray(links)) fail(`getLinkedAccounts must return an array, got ${show(links)}`);
  for (const link of links) {
    if (!isAbsent(link.linkedAt) && instantOf(link.linkedAt) === undefined) {
      fail(`linkedAt is not a date: ${show(link.linkedAt)}`);
    }
  }
  return links.map((l) => key(l)).sort();
}

const key = (l: LinkedAccount): string =>
  `${l.provider} / ${l.providerAccountId} / ${l.email ?? '-'}`;

async function expectOwner(store: Store, link: LinkedAccount, userId: string, what: string) {
  const owner = await store.findUserByProviderAccount(link.provider, link.providerAccountId);
  expectEqual(owner?.userId, userId, `${what}: findUserByProviderAccount`);
}

/** Every check {@link checkLinkedAccountsStore} runs, in order (names are stable). */
export const linkedAccountsStoreChecks: readonly Check<Store>[] = [
  {
    name: 'linkAccount links the account: listed for the user and found by provider account',
    async run(store, ctx) {
      const userId = randomUUID();
      const a = account(ctx, store, [userId]);
      const b = account(ctx, store, [userId], { email: null });
      await store.linkAccount(userId, a);
      await store.linkAccount(userId, b);
      expectEqual(await linksOf(store, userId), [key(a), key(b)].sort(), 'getLinkedAccounts');
      await expectOwner(store, a, userId, 'first account');
      await expectOwner(store, b, userId, 'second account');
      expectEqual(await linksOf(store, randomUUID()), [], 'accounts of an unknown user');
    },
  },
  {
    name: 'findUserByProviderAccount gives null for an unknown account or another provider',
    async run(store, ctx) {
      const userId = randomUUID();
      const a = account(ctx, store, [userId]);
      await store.linkAccount(userId, a);
      expectNull(
        await store.findUserByProviderAccount(a.provider, `acct_${nonce()}`),
        'unknown account id',
      );
      expectNull(
        await store.findUserByProviderAccount(`kw-other-${nonce()}`, a.providerAccountId),
        'other provider',
      );
      expectNull(await store.findUserByProviderAccount(a.provider, 'acct_%'), 'a LIKE pattern');
    },
  },
  {
    name: 'linking an account that another user holds is rejected and changes nothing',
    async run(store, ctx) {
      const [owner, intruder] = [randomUUID(), randomUUID()];
      const a = account(ctx, store, [owner, intruder]);
      await store.linkAccount(owner, a);
      await expectRejects(
        () => store.linkAccount(intruder, { ...a, email: uniqueEmail('x') }),
        'linkAccount for a second user must throw',
      );
      await expectOwner(store, a, owner, 'after the rejected link');
      expectEqual(await linksOf(store, intruder), [], "the second user's accounts");
      expectEqual(await linksOf(store, owner), [key(a)], "the owner's accounts");
    },
  },
  {
    name: 'linking the same account to the same user again keeps one link',
    async run(store, ctx) {
      const userId = randomUUID();
      const a = account(ctx, store, [userId]);
      await store.linkAccount(userId, a);
      await store.linkAccount(userId, a);
      expectEqual(await linksOf(store, userId), [key(a)], 'getLinkedAccounts');
    },
  },
  {
    name: 'unlinkAccount removes the link; by another user it does nothing',
    async run(store, ctx) {
      const [userId, stranger] = [randomUUID(), randomUUID()];
      const [a, b] = [account(ctx, store, [userId]), account(ctx, store, [userId])];
      await store.linkAccount(userId, a);
      await store.linkAccount(userId, b);
      await store.unlinkAccount(stranger, a.provider, a.providerAccountId);
      await expectOwner(store, a, userId, 'after unlinking by another user');
      await store.unlinkAccount(userId, a.provider, a.providerAccountId);
      expectNull(
        await store.findUserByProviderAccount(a.provider, a.providerAccountId),
        'unlinked account',
      );
      expectEqual(await linksOf(store, userId), [key(b)], 'remaining accounts');
      await store.unlinkAccount(userId, a.provider, a.providerAccountId);
      // Once unlinked, the account may go to someone else.
      await store.linkAccount(stranger, a);
      ctx.defer(() => store.unlinkAccount(stranger, a.provider, a.providerAccountId));
      await expectOwner(store, a, stranger, 'after linking to a new user');
    },
  },
];

/** Checks an {@link ILinkedAccountsStore}; providers are random and links removed afterwards. */
export function checkLinkedAccountsStore(
  store: Store,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('ILinkedAccountsStore', store, linkedAccountsStoreChecks, options);
}
