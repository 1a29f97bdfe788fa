import { randomUUID } from 'node:crypto';
import type { ITenantStore, Tenant } from '../stores/profile-stores';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type CheckContext, type ConformanceOptions } from './runner';
import {
  TRICKY_TEXT,
  expectEqual,
  expectNull,
  expectSameMembers,
  expectTrue,
  fail,
  instantOf,
  nonce,
  show,
  trickyJson,
} from './support';

/** Creates a tenant with a random name and deletes it after the check. */
async function createTenant(
  store: ITenantStore,
  ctx: CheckContext,
  data: Omit<Tenant, 'id'> = { name: `kw-tenant-${nonce()}` },
): Promise<Tenant> {
  const tenant = await store.createTenant(data);
  if (typeof tenant?.id !== 'string' || tenant.id === '') {
    fail(`createTenant must return the tenant with a non-empty string id, got ${show(tenant)}`);
  }
  ctx.defer(() => store.deleteTenant(tenant.id));
  return tenant;
}

/** name, isActive and config exactly; createdAt, when returned, a valid instant. */
function expectTenant(
  actual: Tenant | null | undefined,
  expected: Partial<Tenant>,
  what: string,
): void {
  if (!actual) fail(`${what}: expected a tenant, got ${show(actual)}`);
  for (const field of ['id', 'name', 'isActive', 'config'] as const) {
    if (field in expected) expectEqual(actual[field], expected[field], `${what}: ${field}`);
  }
  if (
    actual.createdAt !== undefined &&
    actual.createdAt !== null &&
    instantOf(actual.createdAt) === undefined
  ) {
    fail(`${what}: createdAt is not a date: ${show(actual.createdAt)}`);
  }
}

const ids = (tenants: Tenant[]): string[] => tenants.map((t) => t.id);

/** Every check {@link checkTenantStore} runs, in order (names are stable). */
export const tenantStoreChecks: readonly Check<ITenantStore>[] = [
  {
    name: 'createTenant returns the tenant with an id, and getTenantById returns it exactly',
    async run(store, ctx) {
      const data = { name: `kw ${TRICKY_TEXT} ${nonce()}`, isActive: true, config: trickyJson() };
      const tenant = await createTenant(store, ctx, data);
      expectTenant(tenant, data, 'createTenant result');
      expectTenant(
        await store.getTenantById(tenant.id),
        { ...data, id: tenant.id },
        'getTenantById',
      );
    },
  },
  {
    name: 'tenants get distinct ids and getAllTenants lists them',
    async run(store, ctx) {
      const a = await createTenant(store, ctx);
      const b = await createTenant(store, ctx, { name: a.name });
      expectTrue(a.id !== b.id, `two tenants got the same id ${show(a.id)}`);
      const listed = ids(await store.getAllTenants()).filter((id) => id === a.id || id === b.id);
      expectSameMembers(listed, [a.id, b.id], 'tenants of this check in getAllTenants');
    },
  },
  {
    name: 'getTenantById of an unknown id gives null',
    async run(store, ctx) {
      const tenant = await createTenant(store, ctx);
      await store.deleteTenant(tenant.id);
      expectNull(await store.getTenantById(tenant.id), 'getTenantById(deleted id)');
    },
  },
  {
    name: 'updateTenant changes the given fields and keeps the others',
    async run(store, ctx) {
      const data = { name: `kw-${nonce()}`, isActive: true, config: { plan: 'pro', seats: 5 } };
      const tenant = await createTenant(store, ctx, data);
      await store.updateTenant(tenant.id, { isActive: false });
      expectTenant(
        await store.getTenantById(tenant.id),
        { ...data, isActive: false },
        'after changing isActive',
      );
      const config = { plan: 'free', nested: { list: [1, 'ü'] } };
      await store.updateTenant(tenant.id, { name: 'renamed', config });
      expectTenant(
        await store.getTenantById(tenant.id),
        { name: 'renamed', isActive: false, config },
        'after renaming',
      );
    },
  },
  {
    name: 'memberships are visible from both sides and removed one by one',
    async run(store, ctx) {
      const [a, b] = [await createTenant(store, ctx), await createTenant(store, ctx)];
      const [u1, u2] = [randomUUID(), randomUUID()];
      await store.associateUserWithTenant(u1, a.id);
      await store.associateUserWithTenant(u1, a.id);
      await store.associateUserWithTenant(u1, b.id);
      await store.associateUserWithTenant(u2, a.id);
      expectSameMembers(ids(await store.getTenantsForUser(u1)), [a.id, b.id], 'tenants of user 1');
      expectTenant(
        (await store.getTenantsForUser(u2))[0],
        { id: a.id, name: a.name },
        'tenant of user 2',
      );
      expectSameMembers(await store.getUsersForTenant(a.id), [u1, u2], 'members of A');
      await store.disassociateUserFromTenant(u1, a.id);
      expectSameMembers(
        ids(await store.getTenantsForUser(u1)),
        [b.id],
        'tenants of user 1 after leaving A',
      );
      expectSameMembers(
        await store.getUsersForTenant(a.id),
        [u2],
        'members of A after user 1 left',
      );
      expectSameMembers(
        ids(await store.getTenantsForUser(randomUUID())),
        [],
        'tenants of an unknown user',
      );
    },
  },
  {
    name: 'deleteTenant removes the tenant and its memberships',
    async run(store, ctx) {
      const [doomed, kept] = [await createTenant(store, ctx), await createTenant(store, ctx)];
      const userId = randomUUID();
      await store.associateUserWithTenant(userId, doomed.id);
      await store.associateUserWithTenant(userId, kept.id);
      await store.deleteTenant(doomed.id);
      expectNull(await store.getTenantById(doomed.id), 'getTenantById after deleteTenant');
      expectTrue(
        !ids(await store.getAllTenants()).includes(doomed.id),
        'getAllTenants still lists the deleted tenant',
      );
      expectSameMembers(
        ids(await store.getTenantsForUser(userId)),
        [kept.id],
        'tenants of the member',
      );
      expectSameMembers(
        await store.getUsersForTenant(doomed.id),
        [],
        'members of the deleted tenant',
      );
      await store.deleteTenant(doomed.id);
    },
  },
  {
    name: 'mutating passed-in or returned tenants does not change the stored ones',
    async run(store, ctx) {
      const data = { name: `kw-${nonce()}`, isActive: true, config: { plan: 'pro', list: [1] } };
      const expected = structuredClone(data);
      const tenant = await createTenant(store, ctx, data);
      data.config.plan = 'changed by caller';
      tenant.name = 'changed by caller';
      const found = await store.getTenantById(tenant.id);
      if (!found?.config) fail(`getTenantById returned ${show(found)}`);
      found.config.plan = 'changed by caller';
      const update = { config: { plan: 'team', list: [2] } };
      await store.updateTenant(tenant.id, update);
      update.config.list.push(3);
      expectTenant(
        await store.getTenantById(tenant.id),
        { ...expected, config: { plan: 'team', list: [2] } },
        'stored tenant',
      );
    },
  },
];

/** Checks an {@link ITenantStore}; tenants get random names and are deleted afterwards. */
export function checkTenantStore(
  store: ITenantStore,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('ITenantStore', store, tenantStoreChecks, options);
}
