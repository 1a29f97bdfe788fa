import { AuthEventNames } from 'keyward';
import { createAdminFixture } from './api-setup';
import { idsIn, register, seedDeliveries } from './webhook-seed';

describe('admin API: changing and deleting webhooks', () => {
  it('changes only the fields given, re-checking the URL and publishing which fields changed', async () => {
    const fx = createAdminFixture();
    const { webhook } = await register(fx, { tenantId: 'acme' });
    const off = await fx.api.patch(`/webhooks/${webhook.id}`).send({ isActive: false });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({
      success: true,
      webhook: { ...webhook, isActive: false },
    });
    const moved = await fx.api.patch(`/webhooks/${webhook.id}`).send({
      url: 'https://93.184.215.15/new',
      events: ['identity.session.*'],
      secret: 'a-replacement-secret-0123',
      maxRetries: 0,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.webhook).toMatchObject({
      url: 'https://93.184.215.15/new',
      events: ['identity.session.*'],
      isActive: false,
      secret: '***',
      maxRetries: 0,
      tenantId: 'acme',
    });
    await expect(fx.webhookStore.findById(webhook.id)).resolves.toMatchObject({
      secret: 'a-replacement-secret-0123',
      createdAt: new Date(webhook.createdAt as string),
    });
    expect(moved.text).not.toContain('a-replacement-secret-0123');
    const updates = fx.eventsNamed(AuthEventNames.ADMIN_WEBHOOK_UPDATED);
    expect(updates.map((e) => e.data)).toEqual([
      { actor: 'admin-secret', webhookId: webhook.id, changes: ['isActive'] },
      {
        actor: 'admin-secret',
        webhookId: webhook.id,
        changes: ['url', 'events', 'secret', 'maxRetries'],
      },
    ]);
    expect(updates[0]!.tenantId).toBe('acme');
    expect(JSON.stringify(fx.events)).not.toContain('a-replacement-secret-0123');
  });

  it('refuses an empty change, a bad field and an unknown webhook', async () => {
    const fx = createAdminFixture();
    const { webhook } = await register(fx);
    const empty = await fx.api.patch(`/webhooks/${webhook.id}`).send({ unknown: 1 });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('INVALID_INPUT');
    const bad = await fx.api.patch(`/webhooks/${webhook.id}`).send({ isActive: 'no' });
    expect(bad.body.details[0].field).toBe('isActive');
    const missing = await fx.api.patch('/webhooks/wh_missing').send({ isActive: false });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('WEBHOOK_NOT_FOUND');
    await expect(fx.webhookStore.findById(webhook.id)).resolves.toMatchObject({ isActive: true });
  });

  it('deletes a webhook with its deliveries, once', async () => {
    const fx = createAdminFixture();
    const { webhook } = await register(fx);
    const other = (await register(fx)).webhook;
    await seedDeliveries(fx, webhook.id, other.id);
    const res = await fx.api.delete(`/webhooks/${webhook.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    await expect(fx.webhookStore.findById(webhook.id)).resolves.toBeNull();
    await expect(fx.webhookStore.findDelivery(`dl_${webhook.id}_2`)).resolves.toBeNull();
    await expect(fx.webhookStore.findDelivery(`dl_${other.id}_4`)).resolves.not.toBeNull();
    expect(fx.eventsNamed(AuthEventNames.ADMIN_WEBHOOK_DELETED)[0]?.data).toEqual({
      actor: 'admin-secret',
      webhookId: webhook.id,
      url: 'https://93.184.215.14',
    });
    const again = await fx.api.delete(`/webhooks/${webhook.id}`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('WEBHOOK_NOT_FOUND');
  });
});

describe('admin API: webhook deliveries and replay', () => {
  async function withDeliveries() {
    const fx = createAdminFixture();
    const hook = (await register(fx)).webhook;
    const other = (await register(fx)).webhook;
    await seedDeliveries(fx, hook.id, other.id);
    return { fx, hook, other };
  }

  it("lists a webhook's deliveries newest first, with attempts and the last error, without bodies", async () => {
    const { fx, hook } = await withDeliveries();
    const res = await fx.api.get(`/webhooks/${hook.id}/deliveries`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit: 20, offset: 0, hasMore: false });
    expect(idsIn(res.body.deliveries)).toEqual([
      `dl_${hook.id}_3`,
      `dl_${hook.id}_2`,
      `dl_${hook.id}_1`,
    ]);
    const [pending, dead, delivered] = res.body.deliveries;
    expect(dead).toEqual({
      id: `dl_${hook.id}_2`,
      webhookId: hook.id,
      eventId: '0000000000000002',
      event: 'identity.auth.login.failed',
      status: 'dead',
      attempts: 3,
      nextAttemptAt: null,
      lastStatus: 503,
      lastError: 'HTTP 503',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 204 });
    expect(delivered.lastError).toBeNull();
    expect(pending).toMatchObject({ status: 'pending', attempts: 0, lastStatus: null });
    expect(pending.nextAttemptAt).toEqual(expect.any(String));
    expect(res.text).not.toContain('payload');

    const deadOnly = await fx.api.get(`/webhooks/${hook.id}/deliveries?status=dead`);
    expect(idsIn(deadOnly.body.deliveries)).toEqual([`dl_${hook.id}_2`]);
    const paged = await fx.api.get(`/webhooks/${hook.id}/deliveries?limit=2&offset=1`);
    expect(paged.body.deliveries).toHaveLength(2);
    expect(paged.body.hasMore).toBe(false);
    const wrong = await fx.api.get(`/webhooks/${hook.id}/deliveries?status=failed`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0].field).toBe('status');
    const missing = await fx.api.get('/webhooks/wh_nope/deliveries');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('WEBHOOK_NOT_FOUND');
  });

  it('replays a dead delivery: pending again, attempts reset, due now for the worker', async () => {
    const { fx, hook } = await withDeliveries();
    const id = `dl_${hook.id}_2`;
    const before = Date.now();
    const res = await fx.api.post(`/webhooks/${hook.id}/deliveries/${id}/replay`).send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      delivery: { id, status: 'pending', attempts: 0, lastError: 'HTTP 503' },
    });
    expect(Date.parse(res.body.delivery.nextAttemptAt)).toBeGreaterThanOrEqual(before);
    // What the delivery worker claims next: the replayed delivery, with the pending one.
    const due = await fx.webhookStore.claimDueDeliveries(new Date(), 10, 30_000);
    expect(due.map((d) => d.id).sort()).toEqual([id, `dl_${hook.id}_3`].sort());
    const [event] = fx.eventsNamed(AuthEventNames.ADMIN_WEBHOOK_REPLAYED);
    expect(event?.data).toEqual({
      actor: 'admin-secret',
      webhookId: hook.id,
      deliveryId: id,
      event: 'identity.auth.login.failed',
      previousStatus: 'dead',
    });
  });

  it('replays only a delivery of that webhook, and not one that is still pending', async () => {
    const { fx, hook, other } = await withDeliveries();
    const replay = (webhookId: string, deliveryId: string) =>
      fx.api.post(`/webhooks/${webhookId}/deliveries/${deliveryId}/replay`).send({});
    const foreign = await replay(hook.id, `dl_${other.id}_4`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');
    await expect(fx.webhookStore.findDelivery(`dl_${other.id}_4`)).resolves.toMatchObject({
      status: 'dead',
    });
    expect((await replay(hook.id, 'dl_unknown')).body.code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');
    expect((await replay('wh_unknown', `dl_${hook.id}_2`)).body.code).toBe('WEBHOOK_NOT_FOUND');
    const pending = await replay(hook.id, `dl_${hook.id}_3`);
    expect(pending.status).toBe(409);
    expect(pending.body.code).toBe('WEBHOOK_DELIVERY_PENDING');
    // A delivered one may be sent again (a receiver that lost it).
    expect((await replay(hook.id, `dl_${hook.id}_1`)).status).toBe(200);
    expect(fx.eventsNamed(AuthEventNames.ADMIN_WEBHOOK_REPLAYED)).toHaveLength(1);
  });

  it('needs a JSON body to replay, so no cross-site form can trigger it', async () => {
    const { fx, hook } = await withDeliveries();
    const id = `dl_${hook.id}_2`;
    const res = await fx.api
      .post(`/webhooks/${hook.id}/deliveries/${id}/replay`)
      .set('Content-Type', 'text/plain')
      .send('{}');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
    await expect(fx.webhookStore.findDelivery(id)).resolves.toMatchObject({ status: 'dead' });
  });
});
