import type { IUserStore } from '../stores/user';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type ConformanceOptions } from './runner';
import { expectNull, expectRejects, fail, fakeHash, isDate, msDate, nonce, show } from './support';
import {
  createUser,
  emptyUser,
  expectUserFields,
  fullUser,
  simpleUser,
  bcryptLike,
  unknownIdLike,
} from './user-fixtures';
import { optionalUserChecks } from './user-store-optional-checks';

/** The six required methods, which password sign-in, refresh and password reset rely on. */
const requiredUserChecks: Check<IUserStore>[] = [
  {
    name: 'create returns the record with an id and the given fields',
    async run(store, ctx) {
      const data = fullUser('create');
      const user = await createUser(store, ctx, data);
      expectUserFields(user, data, 'create result');
    },
  },
  {
    name: 'findById returns every field exactly as created',
    async run(store, ctx) {
      const data = fullUser('byid');
      const user = await createUser(store, ctx, data);
      expectUserFields(await store.findById(user.id), { ...data, id: user.id }, 'findById');
    },
  },
  {
    name: 'findByEmail returns every field exactly as created',
    async run(store, ctx) {
      const data = fullUser('byemail');
      const user = await createUser(store, ctx, data);
      expectUserFields(
        await store.findByEmail(data.email),
        { ...data, id: user.id },
        'findByEmail',
      );
    },
  },
  {
    name: 'null fields come back as null and false booleans as false',
    async run(store, ctx) {
      const data = emptyUser('nulls');
      const user = await createUser(store, ctx, data);
      expectUserFields(await store.findById(user.id), data, 'findById');
    },
  },
  {
    name: 'a 10 kB firstName round-trips unchanged',
    async run(store, ctx) {
      // Multi-byte characters too, so a byte-limited column truncates visibly.
      const long = `${'Ab€ü🔐'.repeat(2_000)}${nonce()}`;
      const user = await createUser(store, ctx, simpleUser('long', { firstName: long }));
      const found = await store.findById(user.id);
      if (found?.firstName !== long) {
        fail(`findById: firstName of ${long.length} chars came back as ${show(found?.firstName)}`);
      }
    },
  },
  {
    name: 'findByEmail is case-insensitive and the stored email keeps its case',
    async run(store, ctx) {
      const data = simpleUser('Case');
      const user = await createUser(store, ctx, data);
      for (const variant of [data.email, data.email.toLowerCase(), data.email.toUpperCase()]) {
        const found = await store.findByEmail(variant);
        if (found?.id !== user.id) fail(`findByEmail(${show(variant)}) did not find the user`);
        if (found.email !== data.email) {
          fail(`email expected ${show(data.email)} (case kept), got ${show(found.email)}`);
        }
      }
    },
  },
  {
    name: 'findByEmail matches the whole address literally, not as a pattern or prefix',
    async run(store, ctx) {
      const tag = nonce();
      await createUser(store, ctx, simpleUser('x', { email: `kw_${tag}%x@conformance.example` }));
      // A LIKE-based look-up would read `_` and `%` as wildcards and match these.
      for (const probe of [
        `kwZ${tag}Yx@conformance.example`,
        `kw_${tag}%@conformance.example`,
        `kw_${tag}%x@conformance.exampl`,
        `kw_${tag}`,
      ]) {
        expectNull(await store.findByEmail(probe), `findByEmail(${show(probe)})`);
      }
    },
  },
  {
    name: 'create rejects an email that another user holds, in any case',
    async run(store, ctx) {
      const data = simpleUser('Dup');
      const user = await createUser(store, ctx, data);
      for (const email of [data.email, data.email.toLowerCase(), data.email.toUpperCase()]) {
        await expectRejects(
          () => createUser(store, ctx, simpleUser('dup', { email })),
          `create with ${show(email)} must throw while ${show(data.email)} exists`,
        );
      }
      const found = await store.findByEmail(data.email);
      if (found?.id !== user.id) fail('findByEmail no longer finds the first user');
    },
  },
  {
    name: 'unknown id and unknown email give null',
    async run(store, ctx) {
      const user = await createUser(store, ctx, simpleUser('known'));
      expectNull(await store.findById(unknownIdLike(user.id)), 'findById(unknown id)');
      expectNull(
        await store.findByEmail(`nobody.${nonce()}@conformance.example`),
        'findByEmail(unknown)',
      );
    },
  },
  {
    name: 'updateRefreshToken stores the opaque value and expiry, and null clears them',
    async run(store, ctx) {
      const user = await createUser(store, ctx, emptyUser('refresh'));
      const value = fullUser('value').refreshToken!;
      const expiry = msDate(86_400_000);
      await store.updateRefreshToken(user.id, value, expiry);
      expectUserFields(
        await store.findById(user.id),
        { refreshToken: value, refreshTokenExpiry: expiry },
        'after set',
      );
      await store.updateRefreshToken(user.id, null, null);
      expectUserFields(
        await store.findById(user.id),
        { refreshToken: null, refreshTokenExpiry: null },
        'after clear',
      );
    },
  },
  {
    name: 'updateResetToken stores the hash and expiry, and null clears them',
    async run(store, ctx) {
      const user = await createUser(store, ctx, emptyUser('reset'));
      const hash = fakeHash();
      const expiry = msDate(3_600_000);
      await store.updateResetToken(user.id, hash, expiry);
      expectUserFields(
        await store.findById(user.id),
        { resetToken: hash, resetTokenExpiry: expiry },
        'after set',
      );
      await store.updateResetToken(user.id, null, null);
      expectUserFields(
        await store.findById(user.id),
        { resetToken: null, resetTokenExpiry: null },
        'after clear',
      );
    },
  },
  {
    name: 'updatePassword replaces the password hash',
    async run(store, ctx) {
      const user = await createUser(store, ctx, simpleUser('password'));
      const next = bcryptLike();
      await store.updatePassword(user.id, next);
      expectUserFields(await store.findById(user.id), { password: next }, 'after updatePassword');
    },
  },
  {
    name: 'updates change only their own fields and only the given user',
    async run(store, ctx) {
      const data = fullUser('a');
      const other = fullUser('b');
      const user = await createUser(store, ctx, data);
      const bystander = await createUser(store, ctx, other);
      const password = bcryptLike();
      const reset = { resetToken: fakeHash(), resetTokenExpiry: msDate(60_000) };
      await store.updatePassword(user.id, password);
      await store.updateResetToken(user.id, reset.resetToken, reset.resetTokenExpiry);
      await store.updateRefreshToken(user.id, null, null);
      const expected = {
        ...data,
        ...reset,
        password,
        refreshToken: null,
        refreshTokenExpiry: null,
      };
      expectUserFields(await store.findById(user.id), expected, 'updated user');
      expectUserFields(await store.findById(bystander.id), other, 'other user');
    },
  },
  {
    name: 'mutating the data passed to create or a returned record does not change the stored user',
    async run(store, ctx) {
      const data = fullUser('copy');
      const expected = structuredClone(data);
      const user = await createUser(store, ctx, data);
      // Stores that keep references (in memory, caches) would see these.
      data.firstName = 'changed by caller';
      data.resetTokenExpiry?.setTime(0);
      user.lastName = 'changed by caller';
      const found = await store.findById(user.id);
      if (!found) fail('findById did not find the user');
      found.email = 'changed@by.caller';
      if (isDate(found.createdAt)) found.createdAt.setTime(0);
      expectUserFields(await store.findById(user.id), expected, 'stored user');
    },
  },
];

/** Every check {@link checkUserStore} runs, in order (names are stable). */
export const userStoreChecks: readonly Check<IUserStore>[] = [
  ...requiredUserChecks,
  ...optionalUserChecks,
];

/**
 * Checks an {@link IUserStore} against what keyward relies on: exact round-trips of every
 * `BaseUser` field, case-insensitive but case-keeping email look-ups, unique addresses, and
 * every optional method that is present (see {@link ConformanceOptions.optional}).
 * Users are created through `store.create` with fresh random emails and removed with
 * `deleteUser` when the store has it.
 */
export function checkUserStore(
  store: IUserStore,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('IUserStore', store, userStoreChecks, options);
}
