import type { IWebhookStore, WebhookDelivery } from '../stores/webhook';
import type { Check, CheckContext } from './runner';
import {
  addHook,
  delivery,
  expectDelivery,
  idsOf,
  minimalHook,
  queueDay,
} from './webhook-fixtures';
import { expectEqual, expectNull, expectSameMembers, fail, nonce, show } from './support';

type Store = IWebhookStore;

const CONCURRENT = 10;
const LEASE = 60_000;
/** What every queue check needs: a webhook to deliver for, removed (with its queue) afterwards. */
const QUEUE = ['add', 'remove', 'enqueueDeliveries'] as const;

/** A webhook of this check's own, and its deliveries (copies are enqueued). */
async function queueFor(store: Store, ctx: CheckContext) {
  const hook = await addHook(store, ctx, minimalHook());
  const enqueue = async (...deliveries: WebhookDelivery[]) => {
    await store.enqueueDeliveries!(structuredClone(deliveries));
    return deliveries;
  };
  return { hook, enqueue };
}

/** The claim's ids, failing on duplicates within it. */
async function claim(store: Store, now: number, limit: number, leaseMs = LEASE) {
  const claimed = await store.claimDueDeliveries!(new Date(now), limit, leaseMs);
  const ids = idsOf(claimed, `claimDueDeliveries(${new Date(now).toISOString()}, ${limit})`);
  if (new Set(ids).size !== ids.length) fail(`one claim returned an id twice: ${show(ids)}`);
  return { claimed, ids };
}

/** The delivery queue: what makes webhook delivery survive restarts and run on many instances. */
export const webhookDeliveryChecks: readonly Check<Store>[] = [
  {
    name: 'enqueueDeliveries then findDelivery returns every field, dates as Dates; an unknown id is null',
    needs: [...QUEUE, 'findDelivery'],
    async run(store, ctx) {
      const { hook, enqueue } = await queueFor(store, ctx);
      const due = new Date(queueDay(0));
      const [plain, failed] = await enqueue(
        delivery(hook, due),
        delivery(hook, due, { attempts: 2, lastStatus: 503, lastError: 'HTTP 503' }),
      );
      expectDelivery(await store.findDelivery!(plain!.id), plain!, 'findDelivery');
      expectDelivery(await store.findDelivery!(failed!.id), failed!, 'findDelivery (failed once)');
      expectNull(await store.findDelivery!(`kw-conformance-${nonce()}`), 'an unknown id');
    },
  },
  {
    name: 'enqueueing an id already queued leaves that delivery as it is',
    needs: [...QUEUE, 'findDelivery', 'recordAttempt'],
    async run(store, ctx) {
      const { hook, enqueue } = await queueFor(store, ctx);
      const due = queueDay(1);
      const [first] = await enqueue(delivery(hook, new Date(due)));
      const at = new Date(due + 1_000);
      const retry = new Date(due + 60_000);
      await store.recordAttempt!(first!.id, {
        status: 'pending',
        nextAttemptAt: retry,
        httpStatus: 500,
        error: 'HTTP 500',
        at,
      });
      const attempted: WebhookDelivery = {
        ...first!,
        attempts: 1,
        nextAttemptAt: retry,
        lastStatus: 500,
        lastError: 'HTTP 500',
        updatedAt: at,
      };
      const [, fresh] = await enqueue({ ...first!, payload: '{}' }, delivery(hook, new Date(due)));
      expectDelivery(
        await store.findDelivery!(first!.id),
        attempted,
        'the delivery enqueued again',
      );
      expectDelivery(await store.findDelivery!(fresh!.id), fresh!, 'the new one of the same batch');
    },
  },
  {
    name: 'claimDueDeliveries takes pending deliveries due at now, oldest due first, at most limit, and leases them',
    needs: [...QUEUE, 'claimDueDeliveries', 'findDelivery', 'recordAttempt'],
    async run(store, ctx) {
      const { hook, enqueue } = await queueFor(store, ctx);
      const b = queueDay(2);
      const at = (ms: number) => new Date(b + ms);
      const [d1, d2, d3, , done, dead] = await enqueue(
        delivery(hook, at(1_000)),
        delivery(hook, at(3_000)),
        delivery(hook, at(2_000)),
        delivery(hook, at(10_000)),
        delivery(hook, at(500)),
        delivery(hook, at(600)),
      );
      await store.recordAttempt!(done!.id, { status: 'delivered', httpStatus: 200, at: at(700) });
      await store.recordAttempt!(dead!.id, { status: 'dead', error: 'HTTP 410', at: at(700) });
      const now = b + 5_000;
      const first = await claim(store, now, 2);
      expectEqual(first.ids, [d1!.id, d3!.id], 'the first claim (limit 2)');
      first.claimed.forEach((got, i) => {
        const want = [d1!, d3!][i]!;
        expectDelivery(
          got,
          { ...want, nextAttemptAt: got.nextAttemptAt, updatedAt: got.updatedAt },
          `claimed delivery ${i}`,
        );
      });
      const leased = await store.findDelivery!(d1!.id);
      expectEqual(leased?.nextAttemptAt, new Date(now + LEASE), 'nextAttemptAt of a claimed one');
      expectEqual(leased?.status, 'pending', 'status of a claimed one');
      expectEqual((await claim(store, now, 10)).ids, [d2!.id], 'the second claim');
      expectEqual((await claim(store, now, 10)).ids, [], 'a third claim');
    },
  },
  {
    name: 'a lease runs out at now + leaseMs: the deliveries are due again then, not before',
    needs: [...QUEUE, 'claimDueDeliveries'],
    async run(store, ctx) {
      const { hook, enqueue } = await queueFor(store, ctx);
      const b = queueDay(3);
      const [d1, d2] = await enqueue(delivery(hook, new Date(b)), delivery(hook, new Date(b + 1)));
      expectEqual((await claim(store, b + 1, 10, 1_000)).ids, [d1!.id, d2!.id], 'the claim');
      expectEqual((await claim(store, b + 1_000, 10, 1_000)).ids, [], 'a claim before expiry');
      const again = await claim(store, b + 1_001, 10, 1_000);
      expectSameMembers(again.ids, [d1!.id, d2!.id], 'a claim once the lease ran out');
    },
  },
  {
    name: `of ${CONCURRENT} concurrent claims none hands out a delivery another one took`,
    needs: [...QUEUE, 'claimDueDeliveries'],
    async run(store, ctx) {
      const { hook, enqueue } = await queueFor(store, ctx);
      const b = queueDay(4);
      const queued = await enqueue(
        ...Array.from({ length: 30 }, (_, i) => delivery(hook, new Date(b + i))),
      );
      const claims = await Promise.all(
        Array.from({ length: CONCURRENT }, () => claim(store, b + 100, 5)),
      );
      const rest = await claim(store, b + 100, 100);
      const all = [...claims.flatMap((c) => c.ids), ...rest.ids];
      const twice = all.filter((id, i) => all.indexOf(id) !== i);
      if (twice.length > 0) fail(`claimed more than once: ${show([...new Set(twice)])}`);
      expectSameMembers(
        all,
        queued.map((d) => d.id),
        'every delivery claimed once',
      );
    },
  },
  {
    name: "recordAttempt adds one attempt and stores the outcome's status, times, HTTP status and error",
    needs: [...QUEUE, 'recordAttempt', 'findDelivery'],
    async run(store, ctx) {
      const { hook, enqueue } = await queueFor(store, ctx);
      const b = queueDay(5);
      const at = (ms: number) => new Date(b + ms);
      const [d, doomed] = await enqueue(delivery(hook, at(0)), delivery(hook, at(0)));
      const expectNow = async (want: WebhookDelivery, what: string) =>
        expectDelivery(await store.findDelivery!(want.id), want, what);

      await store.recordAttempt!(d!.id, {
        status: 'pending',
        nextAttemptAt: at(5_000),
        error: 'timed out',
        at: at(1_000),
      });
      const timedOut: WebhookDelivery = {
        ...d!,
        attempts: 1,
        nextAttemptAt: at(5_000),
        lastError: 'timed out',
        updatedAt: at(1_000),
      };
      await expectNow(timedOut, 'after a timeout');
      await store.recordAttempt!(d!.id, {
        status: 'pending',
        nextAttemptAt: at(15_000),
        httpStatus: 503,
        error: 'HTTP 503',
        at: at(6_000),
      });
      const refused = {
        ...timedOut,
        attempts: 2,
        nextAttemptAt: at(15_000),
        lastStatus: 503,
        lastError: 'HTTP 503',
        updatedAt: at(6_000),
      };
      await expectNow(refused, 'after a 503');
      await store.recordAttempt!(d!.id, { status: 'delivered', httpStatus: 204, at: at(16_000) });
      const found = await store.findDelivery!(d!.id);
      // lastError is cleared; nextAttemptAt of a delivered delivery means nothing (only its type
      // is checked).
      const delivered: WebhookDelivery = {
        ...refused,
        status: 'delivered',
        attempts: 3,
        lastStatus: 204,
      };
      delete delivered.lastError;
      expectDelivery(
        found,
        { ...delivered, nextAttemptAt: found?.nextAttemptAt ?? at(0), updatedAt: at(16_000) },
        'after delivery (lastError cleared)',
      );

      await store.recordAttempt!(doomed!.id, {
        status: 'dead',
        httpStatus: 410,
        error: 'HTTP 410',
        at: at(2_000),
      });
      const gone = await store.findDelivery!(doomed!.id);
      expectDelivery(
        gone,
        {
          ...doomed!,
          status: 'dead',
          attempts: 1,
          lastStatus: 410,
          lastError: 'HTTP 410',
          updatedAt: at(2_000),
          nextAttemptAt: gone?.nextAttemptAt ?? at(0),
        },
        'after a dead outcome',
      );
      const unknown = `kw-conformance-${nonce()}`;
      await store.recordAttempt!(unknown, { status: 'delivered', httpStatus: 200, at: at(0) });
      expectNull(
        await store.findDelivery!(unknown),
        'findDelivery after recordAttempt of an unknown id',
      );
    },
  },
  {
    name: "listDeliveries lists one webhook's deliveries newest first, filters by status and pages",
    needs: [...QUEUE, 'listDeliveries', 'recordAttempt'],
    async run(store, ctx) {
      const { hook, enqueue } = await queueFor(store, ctx);
      const other = await queueFor(store, ctx);
      const b = queueDay(6);
      const made = (i: number) => new Date(b + i * 1_000);
      // Enqueued out of order: the listing follows createdAt.
      const [d3, d1, d4, d2] = await enqueue(
        ...[3, 1, 4, 2].map((i) =>
          delivery(hook, made(i), { createdAt: made(i), updatedAt: made(i) }),
        ),
      );
      await other.enqueue(delivery(other.hook, made(5), { createdAt: made(5) }));
      await store.recordAttempt!(d2!.id, { status: 'delivered', httpStatus: 200, at: made(9) });
      await store.recordAttempt!(d3!.id, { status: 'dead', error: 'HTTP 404', at: made(9) });
      const list = async (options?: Parameters<NonNullable<Store['listDeliveries']>>[1]) =>
        idsOf(await store.listDeliveries!(hook.id, options), `listDeliveries(${show(options)})`);
      expectEqual(await list(), [d4!.id, d3!.id, d2!.id, d1!.id], 'every delivery');
      expectEqual(await list({ status: 'pending' }), [d4!.id, d1!.id], 'pending ones');
      expectEqual(await list({ status: 'delivered' }), [d2!.id], 'delivered ones');
      expectEqual(await list({ status: 'dead' }), [d3!.id], 'dead ones');
      expectEqual(await list({ limit: 2, offset: 1 }), [d3!.id, d2!.id], 'limit 2, offset 1');
      expectEqual(await list({ offset: 4 }), [], 'offset 4');
      const [newest] = await store.listDeliveries!(hook.id, { limit: 1 });
      expectDelivery(newest, d4!, 'the newest delivery');
    },
  },
  {
    name: 'requeueDelivery makes a delivery pending and due at the time given, with no attempts',
    needs: [...QUEUE, 'requeueDelivery', 'recordAttempt', 'claimDueDeliveries', 'findDelivery'],
    async run(store, ctx) {
      const { hook, enqueue } = await queueFor(store, ctx);
      const b = queueDay(7);
      const [d] = await enqueue(delivery(hook, new Date(b)));
      await store.recordAttempt!(d!.id, {
        status: 'pending',
        nextAttemptAt: new Date(b + 1_000),
        error: 'timed out',
        at: new Date(b),
      });
      await store.recordAttempt!(d!.id, {
        status: 'dead',
        error: 'timed out',
        at: new Date(b + 1_000),
      });
      const replay = new Date(b + 50_000);
      await store.requeueDelivery!(d!.id, replay);
      const found = await store.findDelivery!(d!.id);
      expectEqual(
        [found?.status, found?.attempts, found?.nextAttemptAt],
        ['pending', 0, replay],
        'status, attempts and nextAttemptAt after requeue',
      );
      expectEqual((await claim(store, b + 49_999, 10)).ids, [], 'a claim before the replay time');
      expectEqual((await claim(store, b + 50_000, 10)).ids, [d!.id], 'a claim at the replay time');
      await store.requeueDelivery!(`kw-conformance-${nonce()}`, replay);
    },
  },
  {
    name: "remove deletes the webhook's deliveries and no other webhook's",
    needs: [...QUEUE, 'findDelivery'],
    async run(store, ctx) {
      const { hook, enqueue } = await queueFor(store, ctx);
      const other = await queueFor(store, ctx);
      const b = queueDay(8);
      const [mine] = await enqueue(delivery(hook, new Date(b)), delivery(hook, new Date(b)));
      const [theirs] = await other.enqueue(delivery(other.hook, new Date(b)));
      await store.remove!(hook.id);
      expectNull(await store.findDelivery!(mine!.id), "findDelivery of the removed webhook's");
      expectDelivery(await store.findDelivery!(theirs!.id), theirs!, "the other webhook's");
    },
  },
];
