import express from 'express';
import request from 'supertest';
import {
  ApiKeyService,
  AuthConfigError,
  InMemoryApiKeyStore,
  createApiKeyMiddleware,
  type ApiKeyHashOptions,
} from 'keyward';

const OLD = 'old-pepper-0123456789abcdef0123456789abcdef';
const NEW = 'new-pepper-fedcba9876543210fedcba9876543210';

function guarded(store: InMemoryApiKeyStore, hashing: ApiKeyHashOptions) {
  const app = express();
  app.get('/m', createApiKeyMiddleware(store, { ...hashing, rateLimit: false }), (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

describe('API key pepper', () => {
  it('a key hashed under a pepper does not verify without it, nor under another one', async () => {
    const store = new InMemoryApiKeyStore();
    const { rawKey } = await new ApiKeyService({ pepper: OLD }).createKey(store, { name: 'k' });
    expect(
      (
        await request(guarded(store, { pepper: OLD }))
          .get('/m')
          .set('X-Api-Key', rawKey)
      ).status,
    ).toBe(200);
    for (const hashing of [{}, { pepper: NEW }]) {
      const res = await request(guarded(store, hashing)).get('/m').set('X-Api-Key', rawKey);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('API_KEY_INVALID');
    }
  });

  it('rotates: with [new, old] old keys still verify and new keys are hashed under the new one', async () => {
    const store = new InMemoryApiKeyStore();
    const before = await new ApiKeyService({ pepper: OLD }).createKey(store, { name: 'before' });
    const rotating = { pepper: [NEW, OLD] };
    const after = await new ApiKeyService(rotating).createKey(store, { name: 'after' });
    const app = guarded(store, rotating);
    expect((await request(app).get('/m').set('X-Api-Key', before.rawKey)).status).toBe(200);
    expect((await request(app).get('/m').set('X-Api-Key', after.rawKey)).status).toBe(200);
    // Once every old key has been reissued, the old pepper is dropped: `after` keeps working.
    const done = guarded(store, { pepper: NEW });
    expect((await request(done).get('/m').set('X-Api-Key', after.rawKey)).status).toBe(200);
    expect((await request(done).get('/m').set('X-Api-Key', before.rawKey)).status).toBe(401);
  });

  it('introduces a pepper over plain SHA-256 keys with acceptUnpeppered', async () => {
    const store = new InMemoryApiKeyStore();
    const plain = await new ApiKeyService().createKey(store, { name: 'plain' });
    const app = guarded(store, { pepper: NEW, acceptUnpeppered: true });
    expect((await request(app).get('/m').set('X-Api-Key', plain.rawKey)).status).toBe(200);
    const strict = guarded(store, { pepper: NEW });
    expect((await request(strict).get('/m').set('X-Api-Key', plain.rawKey)).status).toBe(401);
  });

  it('refuses a pepper shorter than 32 characters at construction', () => {
    expect(() => new ApiKeyService({ pepper: 'short' })).toThrow(AuthConfigError);
    expect(() =>
      createApiKeyMiddleware(new InMemoryApiKeyStore(), { pepper: [NEW, 'short'] }),
    ).toThrow(AuthConfigError);
  });
});
