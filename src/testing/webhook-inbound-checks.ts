import type { GenericHmacVerify } from '../stores/inbound-verify';
import type { IWebhookStore, WebhookConfig } from '../stores/webhook';
import type { Check } from './runner';
import { expectNull, nonce } from './support';
import { addHook, expectHook, fullHook, minimalHook } from './webhook-fixtures';

type Store = IWebhookStore;

/** A generic HMAC scheme with every field set, so a store that keeps only `kind` is caught. */
const hmacVerify = (): GenericHmacVerify => ({
  kind: 'hmac',
  header: `X-Kw-Signature-${nonce(3)}`,
  algorithm: 'sha512',
  encoding: 'base64',
  prefix: 'sha512=',
  deliveryIdHeader: 'X-Kw-Delivery',
});

/** A fresh provider name, so findByProvider meets only this check's webhooks. */
const provider = (): string => `kw-conformance-provider-${nonce()}`;

/**
 * The fields of an inbound webhook (`POST /tools/webhook/:provider`): `provider`, `verify` (a
 * kind or a generic HMAC object), `allowedActions` and `jsScript`, through every look-up.
 */
export const inboundFieldChecks: readonly Check<Store>[] = [
  {
    name: 'verify (a kind or a generic HMAC object) round-trips with the other inbound fields through add, findById and findByProvider',
    needs: ['add', 'findById', 'findByProvider'],
    async run(store, ctx) {
      const byKind = await addHook(store, ctx, fullHook({ verify: 'github' }));
      const byHmac = await addHook(store, ctx, fullHook({ verify: hmacVerify() }));
      for (const hook of [byKind, byHmac]) {
        expectHook(await store.findById!(hook.id), hook, 'findById');
        expectHook(await store.findByProvider!(hook.provider!), hook, 'findByProvider');
      }
    },
  },
  {
    name: 'update changes verify between kinds and a generic HMAC object, and the other inbound fields',
    needs: ['add', 'update', 'findById', 'findByProvider'],
    async run(store, ctx) {
      const hook = await addHook(store, ctx, fullHook({ verify: 'stripe' }));
      const toHmac = {
        verify: hmacVerify(),
        provider: provider(),
        allowedActions: ['assignRole'],
        jsScript: `result = { event: 'kw.conformance.${nonce()}' };`,
      };
      await store.update!(hook.id, structuredClone(toHmac));
      const changed = { ...hook, ...toHmac };
      expectHook(await store.findById!(hook.id), changed, 'findById after update');
      expectHook(await store.findByProvider!(toHmac.provider), changed, 'findByProvider');
      expectNull(await store.findByProvider!(hook.provider!), 'findByProvider of the old name');
      await store.update!(hook.id, { verify: 'none' });
      expectHook(
        await store.findById!(hook.id),
        { ...changed, verify: 'none' },
        'findById after changing the object back to a kind',
      );
    },
  },
  {
    name: 'update with an inbound field set to undefined clears it',
    needs: ['add', 'update', 'findById', 'findByProvider'],
    async run(store, ctx) {
      const hook = await addHook(store, ctx, fullHook({ verify: hmacVerify() }));
      const cleared: Partial<WebhookConfig> = {
        provider: undefined,
        verify: undefined,
        allowedActions: undefined,
        jsScript: undefined,
      };
      await store.update!(hook.id, cleared);
      expectHook(
        await store.findById!(hook.id),
        { ...hook, ...cleared },
        'findById after clearing',
      );
      expectNull(
        await store.findByProvider!(hook.provider!),
        'findByProvider of the cleared provider',
      );
    },
  },
  {
    name: 'an inbound webhook added without verify reads back without it, not as null',
    needs: ['add', 'findById', 'findByProvider'],
    async run(store, ctx) {
      const hook = await addHook(store, ctx, minimalHook({ provider: provider(), secret: 'k' }));
      const got = await store.findById!(hook.id);
      // The store stamps createdAt (checked elsewhere); every other field must be as added.
      const added = { ...hook, createdAt: got?.createdAt ?? new Date(NaN) };
      expectHook(got, added, 'findById');
      expectHook(await store.findByProvider!(hook.provider!), added, 'findByProvider');
    },
  },
];
