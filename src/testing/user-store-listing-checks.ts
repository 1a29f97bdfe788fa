import type { IUserStore } from '../stores/user';
import type { Check, CheckContext } from './runner';
import { expectEqual, expectNull, expectTrue, fail, nonce, show } from './support';
import { createUser, expectUserFields, simpleUser, unknownIdLike } from './user-fixtures';

/** Five users sharing a random tag: three by email, one by first name, one by last name. */
async function taggedUsers(store: IUserStore, ctx: CheckContext) {
  const tag = nonce();
  const users = [
    await createUser(store, ctx, simpleUser('l', { email: `kw.${tag}.one@conformance.example` })),
    await createUser(store, ctx, simpleUser('l', { email: `kw.${tag}.two@conformance.example` })),
    await createUser(store, ctx, simpleUser('l', { email: `kw.${tag}%_lit@conformance.example` })),
    await createUser(store, ctx, simpleUser('l', { firstName: `First${tag}x` })),
    await createUser(store, ctx, simpleUser('l', { lastName: `Last ${tag.toUpperCase()}` })),
  ];
  return { tag, ids: users.map((u) => u.id) };
}

/** listUsers, countUsers and deleteUser: the admin panel and account deletion. */
export const listingChecks: Check<IUserStore>[] = [
  {
    name: 'listUsers filters by a case-insensitive substring of email, first or last name',
    needs: ['listUsers'],
    async run(store, ctx) {
      const { tag, ids } = await taggedUsers(store, ctx);
      const found = await store.listUsers!({ filter: tag.toUpperCase(), limit: 100 });
      expectEqual(found.map((u) => u.id).sort(), [...ids].sort(), 'ids listed for the tag');
      const one = await store.listUsers!({ filter: `${tag}.O`, limit: 100 });
      expectEqual(
        one.map((u) => u.id),
        [ids[0]],
        `ids listed for ${show(`${tag}.O`)}`,
      );
    },
  },
  {
    name: 'listUsers pages with limit and offset, without overlaps or gaps',
    needs: ['listUsers'],
    async run(store, ctx) {
      const { tag, ids } = await taggedUsers(store, ctx);
      const pages = [];
      for (const offset of [0, 2, 4, 6]) {
        pages.push((await store.listUsers!({ filter: tag, limit: 2, offset })).map((u) => u.id));
      }
      expectEqual(
        pages.map((p) => p.length),
        [2, 2, 1, 0],
        'page sizes for limit 2',
      );
      expectEqual(pages.flat().sort(), [...ids].sort(), 'ids over all pages');
      const unfiltered = await store.listUsers!({ limit: 3 });
      expectTrue(
        unfiltered.length === 3,
        `listUsers({ limit: 3 }) returned ${unfiltered.length} users`,
      );
    },
  },
  {
    name: 'listUsers and countUsers treat % and _ in the filter literally',
    needs: ['listUsers', 'countUsers'],
    async run(store, ctx) {
      const { tag, ids } = await taggedUsers(store, ctx);
      // As LIKE wildcards these would match every tagged user; literally only one or none.
      for (const [filter, expected] of [
        [`${tag}%_`, [ids[2]]],
        [`${tag}%`, [ids[2]]],
        [`${tag}_`, []],
        [`${tag.slice(0, 4)}_${tag.slice(5)}`, []],
      ] as const) {
        const listed = await store.listUsers!({ filter, limit: 100 });
        expectEqual(
          listed.map((u) => u.id),
          expected,
          `listUsers({ filter: ${show(filter)} })`,
        );
        expectEqual(
          await store.countUsers!(filter),
          expected.length,
          `countUsers(${show(filter)})`,
        );
      }
    },
  },
  {
    name: 'countUsers counts the users matching the filter, and all users without one',
    needs: ['countUsers'],
    async run(store, ctx) {
      const { tag } = await taggedUsers(store, ctx);
      expectEqual(await store.countUsers!(tag.toUpperCase()), 5, 'countUsers(tag)');
      expectEqual(await store.countUsers!(`absent-${nonce()}`), 0, 'countUsers(unmatched)');
      const all = await store.countUsers!();
      expectTrue(all >= 5, `countUsers() returned ${show(all)} with at least 5 users stored`);
    },
  },
  {
    name: 'deleteUser removes the user, and the address can be registered again',
    needs: ['deleteUser'],
    async run(store, ctx) {
      const data = simpleUser('Gone');
      const user = await createUser(store, ctx, data);
      const bystander = await createUser(store, ctx, simpleUser('stays'));
      await store.deleteUser!(user.id);
      expectNull(await store.findById(user.id), 'findById after deleteUser');
      expectNull(await store.findByEmail(data.email), 'findByEmail after deleteUser');
      expectUserFields(await store.findById(bystander.id), { id: bystander.id }, 'other user');
      await createUser(store, ctx, simpleUser('again', { email: data.email.toLowerCase() }));
    },
  },
  {
    name: 'deleteUser of an unknown id does nothing',
    needs: ['deleteUser'],
    async run(store, ctx) {
      const user = await createUser(store, ctx, simpleUser('keep'));
      await store.deleteUser!(unknownIdLike(user.id));
      if ((await store.findById(user.id))?.id !== user.id) fail('an unrelated user disappeared');
    },
  },
];
