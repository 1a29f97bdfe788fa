import type { BaseUser, IUserStore } from '../stores/user';
import type { Check } from './runner';
import { expectNull, expectRejects, fakeHash, msDate, nonce, show, uniqueEmail } from './support';
import { createUser, emptyUser, expectUserFields, simpleUser } from './user-fixtures';
import { listingChecks } from './user-store-listing-checks';

type Fields = Partial<BaseUser>;

/** A one-time token kept on the user record and looked up by its hash. */
interface TokenFlow {
  label: string;
  needs: string[];
  /** Stores `hash` for the user; resolves to the fields that must now be on the record. */
  set(store: IUserStore, userId: string, hash: string): Promise<Fields>;
  /** Clears the token; resolves to the fields that must now be null. */
  clear(store: IUserStore, userId: string): Promise<Fields>;
  find(store: IUserStore, hash: string): Promise<BaseUser | null>;
}

const tokenFlows: TokenFlow[] = [
  {
    label: 'findByResetToken',
    needs: ['findByResetToken'],
    async set(store, id, hash) {
      const expiry = msDate(3_600_000);
      await store.updateResetToken(id, hash, expiry);
      return { resetToken: hash, resetTokenExpiry: expiry };
    },
    async clear(store, id) {
      await store.updateResetToken(id, null, null);
      return { resetToken: null, resetTokenExpiry: null };
    },
    find: (store, hash) => store.findByResetToken!(hash),
  },
  {
    label: 'findByEmailVerificationToken',
    needs: ['updateEmailVerificationToken', 'findByEmailVerificationToken'],
    async set(store, id, hash) {
      const expiry = msDate(86_400_000);
      await store.updateEmailVerificationToken!(id, hash, expiry);
      return { emailVerificationToken: hash, emailVerificationTokenExpiry: expiry };
    },
    async clear(store, id) {
      await store.updateEmailVerificationToken!(id, null, null);
      return { emailVerificationToken: null, emailVerificationTokenExpiry: null };
    },
    find: (store, hash) => store.findByEmailVerificationToken!(hash),
  },
  {
    label: 'findByEmailChangeToken',
    needs: ['updateEmailChangeToken', 'findByEmailChangeToken'],
    async set(store, id, hash) {
      const pendingEmail = uniqueEmail('New');
      const expiry = msDate(7_200_000);
      await store.updateEmailChangeToken!(id, pendingEmail, hash, expiry);
      return { pendingEmail, emailChangeToken: hash, emailChangeTokenExpiry: expiry };
    },
    async clear(store, id) {
      await store.updateEmailChangeToken!(id, null, null, null);
      return { pendingEmail: null, emailChangeToken: null, emailChangeTokenExpiry: null };
    },
    find: (store, hash) => store.findByEmailChangeToken!(hash),
  },
  {
    label: 'findByMagicLinkToken',
    needs: ['updateMagicLinkToken', 'findByMagicLinkToken'],
    async set(store, id, hash) {
      const expiry = msDate(900_000);
      await store.updateMagicLinkToken!(id, hash, expiry);
      return { magicLinkToken: hash, magicLinkTokenExpiry: expiry };
    },
    async clear(store, id) {
      await store.updateMagicLinkToken!(id, null, null);
      return { magicLinkToken: null, magicLinkTokenExpiry: null };
    },
    find: (store, hash) => store.findByMagicLinkToken!(hash),
  },
  {
    label: 'findByAccountLinkToken',
    needs: ['updateAccountLinkToken', 'findByAccountLinkToken'],
    async set(store, id, hash) {
      const fields = {
        accountLinkPendingEmail: uniqueEmail('Link'),
        accountLinkPendingProvider: `provider-${nonce()}`,
        accountLinkToken: hash,
        accountLinkTokenExpiry: msDate(3_600_000),
      };
      await store.updateAccountLinkToken!(
        id,
        fields.accountLinkPendingEmail,
        fields.accountLinkPendingProvider,
        hash,
        fields.accountLinkTokenExpiry,
      );
      return fields;
    },
    async clear(store, id) {
      await store.updateAccountLinkToken!(id, null, null, null, null);
      return {
        accountLinkPendingEmail: null,
        accountLinkPendingProvider: null,
        accountLinkToken: null,
        accountLinkTokenExpiry: null,
      };
    },
    find: (store, hash) => store.findByAccountLinkToken!(hash),
  },
];

/** Per token: the holder is found, a stranger's hash is not, a cleared one no longer is. */
const tokenChecks: Check<IUserStore>[] = tokenFlows.map((flow) => ({
  name: `${flow.label} finds the user holding the hash, and null for unknown or cleared hashes`,
  needs: flow.needs,
  async run(store, ctx) {
    const a = await createUser(store, ctx, emptyUser('tok-a'));
    const b = await createUser(store, ctx, emptyUser('tok-b'));
    const hashA = fakeHash();
    const hashB = fakeHash();
    const fieldsA = await flow.set(store, a.id, hashA);
    await flow.set(store, b.id, hashB);
    expectUserFields(await store.findById(a.id), fieldsA, 'after setting the token');
    expectUserFields(await flow.find(store, hashA), { id: a.id }, `${flow.label}(hash of A)`);
    expectUserFields(await flow.find(store, hashB), { id: b.id }, `${flow.label}(hash of B)`);
    expectNull(await flow.find(store, fakeHash()), `${flow.label}(unknown hash)`);
    const cleared = await flow.clear(store, a.id);
    expectUserFields(await store.findById(a.id), cleared, 'after clearing with null');
    expectNull(await flow.find(store, hashA), `${flow.label}(cleared hash)`);
    expectUserFields(
      await flow.find(store, hashB),
      { id: b.id },
      `${flow.label}(hash of B after clearing A)`,
    );
  },
}));

const fieldChecks: Check<IUserStore>[] = [
  {
    name: 'updateEmailVerified sets and unsets isEmailVerified',
    needs: ['updateEmailVerified'],
    async run(store, ctx) {
      const user = await createUser(store, ctx, emptyUser('verified'));
      await store.updateEmailVerified!(user.id, true);
      expectUserFields(await store.findById(user.id), { isEmailVerified: true }, 'after true');
      await store.updateEmailVerified!(user.id, false);
      expectUserFields(await store.findById(user.id), { isEmailVerified: false }, 'after false');
    },
  },
  {
    name: 'updateTotpSecret stores the secret, and null clears it',
    needs: ['updateTotpSecret'],
    async run(store, ctx) {
      const user = await createUser(store, ctx, emptyUser('totp'));
      const secret = `JBSWY3DP${nonce(8).toUpperCase()}`;
      await store.updateTotpSecret!(user.id, secret);
      expectUserFields(await store.findById(user.id), { totpSecret: secret }, 'after set');
      await store.updateTotpSecret!(user.id, null);
      expectUserFields(await store.findById(user.id), { totpSecret: null }, 'after clear');
    },
  },
  {
    name: 'updateSmsCode stores the code hash and expiry, and null clears them',
    needs: ['updateSmsCode'],
    async run(store, ctx) {
      const user = await createUser(store, ctx, emptyUser('sms'));
      const fields = { smsCode: fakeHash(), smsCodeExpiry: msDate(300_000) };
      await store.updateSmsCode!(user.id, fields.smsCode, fields.smsCodeExpiry);
      expectUserFields(await store.findById(user.id), fields, 'after set');
      await store.updateSmsCode!(user.id, null, null);
      expectUserFields(
        await store.findById(user.id),
        { smsCode: null, smsCodeExpiry: null },
        'after clear',
      );
    },
  },
  {
    name: 'findByProviderAccount finds the user by login provider and account id only',
    needs: ['findByProviderAccount'],
    async run(store, ctx) {
      const provider = `prov-${nonce()}`;
      const account = `acct_${nonce()}%`;
      const user = await createUser(
        store,
        ctx,
        simpleUser('oauth', { loginProvider: provider, providerAccountId: account }),
      );
      expectUserFields(
        await store.findByProviderAccount!(provider, account),
        { id: user.id },
        'findByProviderAccount',
      );
      expectNull(await store.findByProviderAccount!(`other-${nonce()}`, account), 'other provider');
      expectNull(
        await store.findByProviderAccount!(provider, `acct_${nonce()}`),
        'unknown account id',
      );
    },
  },
];

const emailChecks: Check<IUserStore>[] = [
  {
    name: 'updateEmail changes the address and email look-ups follow it',
    needs: ['updateEmail'],
    async run(store, ctx) {
      const data = simpleUser('Old');
      const user = await createUser(store, ctx, data);
      const next = uniqueEmail('New');
      await store.updateEmail!(user.id, next);
      expectUserFields(
        await store.findById(user.id),
        { email: next },
        'findById after updateEmail',
      );
      expectUserFields(
        await store.findByEmail(next.toLowerCase()),
        { id: user.id, email: next },
        'findByEmail(new)',
      );
      expectNull(await store.findByEmail(data.email), 'findByEmail(old address)');
      // The old address is free again.
      await createUser(store, ctx, simpleUser('reuse', { email: data.email }));
    },
  },
  {
    name: "updateEmail refuses another user's address in any case and changes nothing",
    needs: ['updateEmail'],
    async run(store, ctx) {
      const a = simpleUser('TakenA');
      const b = simpleUser('TakenB');
      const userA = await createUser(store, ctx, a);
      const userB = await createUser(store, ctx, b);
      for (const email of [b.email, b.email.toLowerCase(), b.email.toUpperCase()]) {
        await expectRejects(
          () => store.updateEmail!(userA.id, email),
          `updateEmail to ${show(email)} must throw`,
        );
      }
      expectUserFields(await store.findById(userA.id), { email: a.email }, 'user A');
      expectUserFields(
        await store.findByEmail(b.email),
        { id: userB.id, email: b.email },
        'user B',
      );
    },
  },
  {
    name: "updateEmail may change only the case of the user's own address",
    needs: ['updateEmail'],
    async run(store, ctx) {
      const data = simpleUser('Recase');
      const user = await createUser(store, ctx, data);
      await store.updateEmail!(user.id, data.email.toUpperCase());
      expectUserFields(
        await store.findByEmail(data.email),
        { id: user.id, email: data.email.toUpperCase() },
        'findByEmail',
      );
    },
  },
];

/** Checks of the optional methods; each is skipped (or failed) when its methods are missing. */
export const optionalUserChecks: Check<IUserStore>[] = [
  ...tokenChecks,
  ...fieldChecks,
  ...emailChecks,
  ...listingChecks,
];
