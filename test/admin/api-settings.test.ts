import { AuthEventNames, InMemorySettingsStore } from 'keyward';
import { createAdminFixture } from './api-setup';

describe('admin API: settings (the Control tab)', () => {
  const settingsStore = new InMemorySettingsStore({ emailVerificationMode: 'none' });
  const fx = createAdminFixture({ settingsStore });

  it('reads the settings, bare as the reference answers them', async () => {
    const res = await fx.api.get('/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ emailVerificationMode: 'none' });
  });

  it('updates part of them, answers with all of them and publishes the change with the actor', async () => {
    const res = await fx.api.put('/settings').send({ require2FA: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      settings: { emailVerificationMode: 'none', require2FA: true },
    });
    await fx.api.put('/settings').send({ emailVerificationMode: 'strict', maintenanceNote: 'hi' });
    expect(await settingsStore.getSettings()).toEqual({
      emailVerificationMode: 'strict',
      require2FA: true,
      maintenanceNote: 'hi',
    });
    expect(fx.eventsNamed(AuthEventNames.ADMIN_SETTINGS_UPDATED)[0]).toMatchObject({
      data: { actor: 'admin-secret', changes: { require2FA: true } },
    });
  });

  it.each([
    [{ emailVerificationMode: 'sometimes' }],
    [{ require2FA: 'yes' }],
    [{ nested: { deep: true } }],
    [{ list: [1] }],
    [['require2FA']],
    [{ ['k'.repeat(101)]: true }],
  ])('refuses %j with 400 INVALID_INPUT and changes nothing', async (body) => {
    const before = await settingsStore.getSettings();
    const res = await fx.api.put('/settings').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
    expect(await settingsStore.getSettings()).toEqual(before);
  });

  it('refuses a __proto__ key', async () => {
    const res = await fx.api
      .put('/settings')
      .set('Content-Type', 'application/json')
      .send('{"__proto__": {"require2FA": true}}');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
  });

  it('answers 404 FEATURE_NOT_ENABLED without a settings store', async () => {
    const bare = createAdminFixture({ settingsStore: undefined });
    for (const res of [
      await bare.api.get('/settings'),
      await bare.api.put('/settings').send({ require2FA: true }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('FEATURE_NOT_ENABLED');
    }
  });
});
