import type { IWebhookStore, WebhookConfig } from '../stores/webhook';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type ConformanceOptions } from './runner';
import {
  addHook,
  addHooks,
  expectHook,
  family,
  freshTenant,
  fullHook,
  idsOf,
  minimalHook,
  mineOnly,
} from './webhook-fixtures';
import { webhookDeliveryChecks } from './webhook-delivery-checks';
import { inboundFieldChecks } from './webhook-inbound-checks';
import {
  expectEqual,
  expectNull,
  expectSameMembers,
  expectTrue,
  isDate,
  msDate,
  nonce,
  show,
} from './support';

type Store = IWebhookStore;
type H = WebhookConfig;

/** The ids of my webhooks that findByEvent returns (other runs' `*` webhooks may match too). */
async function found(store: Store, mine: WebhookConfig[], event: string, tenantId?: string) {
  const hooks = await store.findByEvent(event, tenantId);
  return mineOnly(idsOf(hooks, `findByEvent(${show(event)}, ${show(tenantId)})`), mine);
}

/** The registry: findByEvent (what delivery needs) and the admin's CRUD. */
const registryChecks: readonly Check<Store>[] = [
  {
    name: 'add then findById returns every field, createdAt as a Date',
    needs: ['add', 'findById'],
    async run(store, ctx) {
      const hook = await addHook(store, ctx, fullHook());
      expectHook(await store.findById!(hook.id), hook, 'findById');
    },
  },
  {
    name: 'a webhook added without optional fields gets a createdAt (a Date, about now) and keeps the rest absent',
    needs: ['add', 'findById'],
    async run(store, ctx) {
      const before = Date.now();
      const hook = await addHook(store, ctx, minimalHook());
      const got = await store.findById!(hook.id);
      const stamped = got?.createdAt;
      expectTrue(isDate(stamped), `createdAt expected a Date, got ${show(stamped)}`);
      expectTrue(
        stamped!.getTime() >= before - 1_000 && stamped!.getTime() <= Date.now() + 1_000,
        `createdAt ${show(stamped)} is not the time of the add`,
      );
      expectHook(got, { ...hook, createdAt: stamped! }, 'findById');
    },
  },
  {
    name: 'findById of an unknown id is null',
    needs: ['findById'],
    async run(store) {
      expectNull(await store.findById!(`kw-conformance-hook-${nonce()}`), 'findById');
    },
  },
  {
    name: 'findByEvent takes exact names, "*" and prefixes ending in ".*", nothing else',
    needs: ['add'],
    async run(store, ctx) {
      const f = family();
      const tenantId = freshTenant();
      const exact = fullHook({ tenantId, events: [`${f}.login.success`] });
      const [star, prefix, other, notPrefix, several] = [
        ['*'],
        [`${f}.login.*`],
        [`${f}.logout`],
        [`${f}.log*`],
        [`${f}.a`, `${f}.login.success`],
      ].map((events) => minimalHook({ tenantId, events })) as [H, H, H, H, H];
      const mine = await addHooks(store, ctx, [exact, star, prefix, other, notPrefix, several]);
      const cases: Array<[string, WebhookConfig[]]> = [
        [`${f}.login.success`, [exact, star, prefix, several]],
        [`${f}.login.failed`, [star, prefix]],
        [`${f}.login`, [star]],
        [`${f}.logout`, [star, other]],
        [`${f}.log*`, [star, notPrefix]],
        [`${f}.a`, [star, several]],
      ];
      for (const [event, expected] of cases) {
        expectSameMembers(
          await found(store, mine, event, tenantId),
          expected.map((h) => h.id),
          `webhooks found for ${event}`,
        );
      }
      const hooks = await store.findByEvent(`${f}.login.success`, tenantId);
      expectHook(
        hooks.find((h) => h.id === exact.id),
        exact,
        'the webhook findByEvent returned',
      );
    },
  },
  {
    name: "findByEvent: global webhooks take every tenant's events, a tenant's webhook only its own",
    needs: ['add'],
    async run(store, ctx) {
      const event = `${family()}.scoped`;
      const [a, b] = [freshTenant(), freshTenant()];
      const global = minimalHook({ events: [event] });
      const ofA = minimalHook({ events: [event], tenantId: a });
      const ofB = minimalHook({ events: [event], tenantId: b });
      const mine = await addHooks(store, ctx, [global, ofA, ofB]);
      const cases: Array<[string | undefined, WebhookConfig[]]> = [
        [undefined, [global]],
        [a, [global, ofA]],
        [b, [global, ofB]],
        [freshTenant(), [global]],
      ];
      for (const [tenantId, expected] of cases) {
        expectSameMembers(
          await found(store, mine, event, tenantId),
          expected.map((h) => h.id),
          `webhooks found for tenant ${show(tenantId)}`,
        );
      }
    },
  },
  {
    name: 'findByEvent leaves out inactive webhooks; update switches them on and off',
    needs: ['add', 'update'],
    async run(store, ctx) {
      const event = `${family()}.toggle`;
      const on = minimalHook({ events: [event], isActive: true });
      const off = minimalHook({ events: [event], isActive: false });
      const mine = await addHooks(store, ctx, [on, off]);
      expectEqual(await found(store, mine, event), [on.id], 'found while one is inactive');
      await store.update!(off.id, { isActive: true });
      expectSameMembers(await found(store, mine, event), [on.id, off.id], 'found after update');
      await store.update!(on.id, { isActive: false });
      expectEqual(await found(store, mine, event), [off.id], 'found after switching one off');
    },
  },
  {
    name: 'listAll lists newest first by createdAt and pages with limit and offset',
    needs: ['add', 'listAll'],
    async run(store, ctx) {
      // Far in the future, so these are the newest webhooks of a shared store.
      const base = Date.UTC(2999, 0, 1) + 437;
      const [h0, h1, h2, h3] = [0, 1, 2, 3].map((i) =>
        fullHook({ createdAt: new Date(base + i * 1_000) }),
      ) as [WebhookConfig, WebhookConfig, WebhookConfig, WebhookConfig];
      // Added out of order: the listing follows createdAt, not the order of adds.
      await addHooks(store, ctx, [h2, h0, h3, h1]);
      const newest = [h3.id, h2.id, h1.id, h0.id];
      const page = async (limit?: number, offset?: number) =>
        idsOf(await store.listAll!(limit, offset), `listAll(${limit}, ${offset})`);
      expectEqual((await page()).slice(0, 4), newest, 'the first four of listAll()');
      expectEqual(await page(3, 0), newest.slice(0, 3), 'listAll(3, 0)');
      expectEqual(await page(2, 2), newest.slice(2), 'listAll(2, 2)');
      const [second] = await store.listAll!(1, 1);
      expectHook(second, h2, 'the webhook listed at offset 1');
    },
  },
  {
    name: 'update changes the given fields only, keeps id and createdAt, and ignores unknown ids',
    needs: ['add', 'update', 'findById'],
    async run(store, ctx) {
      const hook = await addHook(store, ctx, fullHook());
      const patch = {
        url: `https://hooks.kw-conformance.invalid/${nonce()}`,
        events: ['*'],
        secret: `whsec_${nonce()}`,
        maxRetries: 0,
        allowedActions: [],
      };
      await store.update!(hook.id, structuredClone(patch));
      const patched = { ...hook, ...patch };
      expectHook(await store.findById!(hook.id), patched, 'findById after update');
      // Not allowed by the type, but a caller passing a whole record must not move the webhook.
      const sneaky = { id: `kw-conformance-hook-${nonce()}`, createdAt: new Date(0) };
      const wholeRecord: Partial<WebhookConfig> = { ...sneaky, isActive: false };
      await store.update!(hook.id, wholeRecord);
      expectHook(
        await store.findById!(hook.id),
        { ...patched, isActive: false },
        'findById after an update naming id and createdAt',
      );
      expectNull(await store.findById!(sneaky.id), 'findById of the id passed in the patch');
      const unknown = `kw-conformance-hook-${nonce()}`;
      await store.update!(unknown, { url: patch.url });
      expectNull(await store.findById!(unknown), 'findById of an unknown id after update');
    },
  },
  {
    name: 'remove takes the webhook out of every look-up; an unknown id does nothing',
    needs: ['add', 'remove', 'findById'],
    async run(store, ctx) {
      const event = `${family()}.removed`;
      const gone = minimalHook({ events: [event] });
      const kept = minimalHook({ events: [event], createdAt: msDate(0) });
      const mine = await addHooks(store, ctx, [gone, kept]);
      await store.remove!(gone.id);
      await store.remove!(`kw-conformance-hook-${nonce()}`);
      expectNull(await store.findById!(gone.id), 'findById after remove');
      expectEqual(await found(store, mine, event), [kept.id], 'findByEvent after remove');
      expectHook(await store.findById!(kept.id), kept, 'findById of the other webhook');
    },
  },
  {
    name: 'findByProvider finds the active webhook of a provider, else null',
    needs: ['add', 'findByProvider'],
    async run(store, ctx) {
      const active = await addHook(store, ctx, fullHook());
      const inactive = await addHook(store, ctx, fullHook({ isActive: false }));
      expectHook(await store.findByProvider!(active.provider!), active, 'findByProvider');
      expectNull(await store.findByProvider!(inactive.provider!), 'an inactive provider');
      expectNull(await store.findByProvider!(`kw-conformance-${nonce()}`), 'an unknown provider');
    },
  },
];

/** Every check {@link checkWebhookStore} runs, in order (names are stable). */
export const webhookStoreChecks: readonly Check<Store>[] = [
  ...registryChecks,
  ...inboundFieldChecks,
  ...webhookDeliveryChecks,
];

/**
 * Checks an {@link IWebhookStore}: `findByEvent` (exact names, `*`, `.*` prefixes, tenant
 * scoping, inactive webhooks), the admin's CRUD and, when present, the delivery queue (idempotent
 * enqueue, claims that lease and never hand one delivery out twice, attempts, listing, replay).
 * Webhooks have random ids, subscribe to random event names, point at `.invalid` addresses and
 * are removed afterwards; the queue checks claim only deliveries due in 1995, so the kit can run
 * against a shared store without taking an application's deliveries.
 */
export function checkWebhookStore(
  store: Store,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('IWebhookStore', store, webhookStoreChecks, options);
}
