import { randomUUID } from 'node:crypto';
import type { IRolesPermissionsStore, RoleInfo } from '../stores/profile-stores';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type CheckContext, type ConformanceOptions } from './runner';
import { expectEqual, expectSameMembers, fail, nonce, show } from './support';

type Store = IRolesPermissionsStore;

/** Role and permission names unique to one check; the roles are deleted afterwards. */
function names(store: Store, ctx: CheckContext) {
  const tag = nonce();
  const roles: string[] = [];
  return {
    role(label: string): string {
      const role = `kw-${tag}-${label}`;
      roles.push(role);
      if (roles.length === 1) ctx.defer(() => Promise.all(roles.map((r) => store.deleteRole(r))));
      return role;
    },
    permission: (label: string): string => `kw-${tag}:${label}`,
  };
}

/** A random user id whose roles are removed afterwards. */
function userFor(store: Store, ctx: CheckContext): string {
  const userId = randomUUID();
  ctx.defer(() => store.removeAllRolesFromUser?.(userId));
  return userId;
}

async function expectHas(
  store: Store,
  userId: string,
  permission: string,
  tenantId: string | undefined,
  expected: boolean,
) {
  const got = await store.userHasPermission(userId, permission, tenantId);
  if (got !== expected) {
    fail(
      `userHasPermission(${show(permission)}, tenant ${show(tenantId)}) expected ${expected}, got ${show(got)}`,
    );
  }
}

/** Every check {@link checkRolesPermissionsStore} runs, in order (names are stable). */
export const rolesPermissionsStoreChecks: readonly Check<Store>[] = [
  {
    name: 'createRole stores its permissions; unknown roles have none',
    async run(store, ctx) {
      const n = names(store, ctx);
      const [editor, empty] = [n.role('editor'), n.role('empty')];
      await store.createRole(editor, [n.permission('read'), n.permission('write')]);
      await store.createRole(empty);
      expectSameMembers(
        await store.getPermissionsForRole(editor),
        [n.permission('read'), n.permission('write')],
        'editor',
      );
      expectSameMembers(
        await store.getPermissionsForRole(empty),
        [],
        'role created without permissions',
      );
      expectSameMembers(await store.getPermissionsForRole(n.role('unknown')), [], 'unknown role');
    },
  },
  {
    name: 'addPermissionToRole adds once and removePermissionFromRole removes',
    async run(store, ctx) {
      const n = names(store, ctx);
      const role = n.role('r');
      await store.createRole(role, [n.permission('a')]);
      await store.addPermissionToRole(role, n.permission('b'));
      await store.addPermissionToRole(role, n.permission('b'));
      expectSameMembers(
        await store.getPermissionsForRole(role),
        [n.permission('a'), n.permission('b')],
        'after adding',
      );
      await store.removePermissionFromRole(role, n.permission('a'));
      await store.removePermissionFromRole(role, n.permission('never-granted'));
      expectSameMembers(
        await store.getPermissionsForRole(role),
        [n.permission('b')],
        'after removing',
      );
    },
  },
  {
    name: 'addRoleToUser keeps one copy of a role and removeRoleFromUser takes it away',
    async run(store, ctx) {
      const n = names(store, ctx);
      const userId = userFor(store, ctx);
      const [a, b] = [n.role('a'), n.role('b')];
      await store.createRole(a);
      await store.createRole(b);
      await store.addRoleToUser(userId, a);
      await store.addRoleToUser(userId, a);
      await store.addRoleToUser(userId, b);
      expectSameMembers(await store.getRolesForUser(userId), [a, b], 'roles');
      await store.removeRoleFromUser(userId, a);
      expectSameMembers(await store.getRolesForUser(userId), [b], 'after removing one');
      expectSameMembers(await store.getRolesForUser(randomUUID()), [], 'roles of an unknown user');
    },
  },
  {
    name: 'roles without a tenant and in each tenant are kept apart',
    async run(store, ctx) {
      const n = names(store, ctx);
      const userId = userFor(store, ctx);
      const [tenantA, tenantB] = [randomUUID(), randomUUID()];
      const [shared, onlyA] = [n.role('shared'), n.role('only-a')];
      await store.createRole(shared);
      await store.createRole(onlyA);
      await store.addRoleToUser(userId, shared);
      await store.addRoleToUser(userId, shared, tenantA);
      await store.addRoleToUser(userId, onlyA, tenantA);
      expectSameMembers(await store.getRolesForUser(userId), [shared], 'without tenant');
      expectSameMembers(await store.getRolesForUser(userId, tenantA), [shared, onlyA], 'tenant A');
      expectSameMembers(await store.getRolesForUser(userId, tenantB), [], 'tenant B');
      await store.removeRoleFromUser(userId, shared, tenantA);
      expectSameMembers(
        await store.getRolesForUser(userId),
        [shared],
        'without tenant, after removing in A',
      );
      expectSameMembers(
        await store.getRolesForUser(userId, tenantA),
        [onlyA],
        'tenant A, after removing',
      );
    },
  },
  {
    name: "getPermissionsForUser is the union of the user's roles' permissions in that scope",
    async run(store, ctx) {
      const n = names(store, ctx);
      const userId = userFor(store, ctx);
      const tenantA = randomUUID();
      const [r1, r2, r3] = [n.role('r1'), n.role('r2'), n.role('r3')];
      const [p1, p2, p3, p4] = ['p1', 'p2', 'p3', 'p4'].map((p) => n.permission(p)) as [
        string,
        string,
        string,
        string,
      ];
      await store.createRole(r1, [p1, p2]);
      await store.createRole(r2, [p2, p3]);
      await store.createRole(r3, [p4]);
      await store.addRoleToUser(userId, r1);
      await store.addRoleToUser(userId, r2);
      await store.addRoleToUser(userId, r3, tenantA);
      expectSameMembers(await store.getPermissionsForUser(userId), [p1, p2, p3], 'without tenant');
      expectSameMembers(await store.getPermissionsForUser(userId, tenantA), [p4], 'tenant A');
      await store.addPermissionToRole(r3, p1);
      expectSameMembers(
        await store.getPermissionsForUser(userId, tenantA),
        [p1, p4],
        'tenant A after granting the role more',
      );
      expectSameMembers(await store.getPermissionsForUser(randomUUID()), [], 'unknown user');
    },
  },
  {
    name: 'userHasPermission answers per permission and per tenant',
    async run(store, ctx) {
      const n = names(store, ctx);
      const userId = userFor(store, ctx);
      const tenantA = randomUUID();
      const [reader, admin] = [n.role('reader'), n.role('admin')];
      await store.createRole(reader, [n.permission('read')]);
      await store.createRole(admin, [n.permission('admin')]);
      await store.addRoleToUser(userId, reader);
      await store.addRoleToUser(userId, admin, tenantA);
      await expectHas(store, userId, n.permission('read'), undefined, true);
      await expectHas(store, userId, n.permission('admin'), undefined, false);
      await expectHas(store, userId, n.permission('admin'), tenantA, true);
      await expectHas(store, userId, n.permission('read'), tenantA, false);
      // A LIKE-based look-up would let `%` match any permission.
      await expectHas(store, userId, `kw-%`, undefined, false);
      await expectHas(store, randomUUID(), n.permission('read'), undefined, false);
    },
  },
  {
    name: 'deleteRole removes the role, its permissions and every assignment of it',
    async run(store, ctx) {
      const n = names(store, ctx);
      const userId = userFor(store, ctx);
      const tenantA = randomUUID();
      const [doomed, kept] = [n.role('doomed'), n.role('kept')];
      await store.createRole(doomed, [n.permission('x')]);
      await store.createRole(kept, [n.permission('y')]);
      await store.addRoleToUser(userId, doomed);
      await store.addRoleToUser(userId, doomed, tenantA);
      await store.addRoleToUser(userId, kept);
      await store.deleteRole(doomed);
      expectSameMembers(await store.getRolesForUser(userId), [kept], 'roles without tenant');
      expectSameMembers(await store.getRolesForUser(userId, tenantA), [], 'roles in tenant A');
      expectSameMembers(
        await store.getPermissionsForRole(doomed),
        [],
        'permissions of the deleted role',
      );
      await expectHas(store, userId, n.permission('x'), undefined, false);
      // Re-creating the name must not bring back old assignments or permissions.
      await store.createRole(doomed);
      expectSameMembers(
        await store.getRolesForUser(userId),
        [kept],
        'roles after re-creating the name',
      );
      expectSameMembers(
        await store.getPermissionsForRole(doomed),
        [],
        'permissions after re-creating',
      );
    },
  },
  {
    name: 'getAllRoles lists every role with its permissions',
    needs: ['getAllRoles'],
    async run(store, ctx) {
      const n = names(store, ctx);
      const [a, b, gone] = [n.role('a'), n.role('b'), n.role('gone')];
      await store.createRole(a, [n.permission('1'), n.permission('2')]);
      await store.createRole(b);
      await store.createRole(gone, [n.permission('3')]);
      await store.deleteRole(gone);
      // keyward's shape: names alone (the reference's) are adapted by the admin router, not here.
      const listed: Array<RoleInfo | string> = await store.getAllRoles!();
      const mine = listed.filter(
        (r): r is RoleInfo => typeof r !== 'string' && [a, b, gone].includes(r.name),
      );
      const sorted = mine
        .map((r) => ({ name: r.name, permissions: [...r.permissions].sort() }))
        .sort((x, y) => x.name.localeCompare(y.name));
      expectEqual(
        sorted,
        [
          { name: a, permissions: [n.permission('1'), n.permission('2')].sort() },
          { name: b, permissions: [] },
        ],
        'roles of this check',
      );
    },
  },
  {
    name: 'removeAllRolesFromUser removes every role in every tenant, for that user only',
    needs: ['removeAllRolesFromUser'],
    async run(store, ctx) {
      const n = names(store, ctx);
      const [userId, other, tenantA] = [userFor(store, ctx), userFor(store, ctx), randomUUID()];
      const role = n.role('r');
      await store.createRole(role, [n.permission('p')]);
      await store.addRoleToUser(userId, role);
      await store.addRoleToUser(userId, role, tenantA);
      await store.addRoleToUser(other, role);
      await store.removeAllRolesFromUser!(userId);
      expectSameMembers(await store.getRolesForUser(userId), [], 'without tenant');
      expectSameMembers(await store.getRolesForUser(userId, tenantA), [], 'tenant A');
      expectSameMembers(await store.getRolesForUser(other), [role], 'other user');
      expectSameMembers(
        await store.getPermissionsForRole(role),
        [n.permission('p')],
        'the role itself',
      );
    },
  },
];

/**
 * Checks an {@link IRolesPermissionsStore}: per-tenant role assignments, permission unions,
 * and that deleting a role leaves no assignment behind. Roles and permissions carry a random
 * prefix and are deleted afterwards.
 */
export function checkRolesPermissionsStore(
  store: Store,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('IRolesPermissionsStore', store, rolesPermissionsStoreChecks, options);
}
