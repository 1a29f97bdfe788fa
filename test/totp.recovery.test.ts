import request from 'supertest';
import { AuthEventNames, InMemoryTwoFactorStore } from 'keyward';
import { bearerLogin, createTestApp, sha256Hex } from './helpers/app';
import { bearer, challenge, codeForStep, enrol } from './helpers/totp';

describe('TOTP recovery codes', () => {
  const t = createTestApp();
  afterAll(() => t.close());

  async function verifyWithRecovery(email: string, recoveryCode: string) {
    const tempToken = await challenge(t.app, email);
    return request(t.app).post('/auth/2fa/verify').send({ tempToken, recoveryCode });
  }

  it('issues 10 distinct codes of 74 bits in the xxxxx-xxxxx-xxxxx format', async () => {
    const { recoveryCodes } = await enrol(t);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/);
  });

  it('accepts each code once in place of a TOTP code', async () => {
    const { user, recoveryCodes } = await enrol(t);
    for (const code of recoveryCodes) {
      const res = await verifyWithRecovery(user.email, code);
      expect(res.status).toBe(200);
    }
    for (const code of recoveryCodes.slice(0, 3)) {
      const again = await verifyWithRecovery(user.email, code);
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('INVALID_2FA_CODE');
    }
  });

  it('accepts a code typed in upper case and without the dashes', async () => {
    const { user, recoveryCodes } = await enrol(t);
    const typed = recoveryCodes[0]!.toUpperCase().replace(/-/g, '');
    expect((await verifyWithRecovery(user.email, typed)).status).toBe(200);
  });

  it("refuses another user's recovery code", async () => {
    const alice = await enrol(t);
    const bob = await enrol(t);
    expect((await verifyWithRecovery(bob.user.email, alice.recoveryCodes[0]!)).status).toBe(401);
  });

  it('regenerates 10 new codes with a current TOTP code; the old ones stop working', async () => {
    const { user, secret, step, accessToken, recoveryCodes: old } = await enrol(t);
    const res = await request(t.app)
      .post('/auth/2fa/recovery-codes')
      .set(bearer(accessToken))
      .send({ totpCode: codeForStep(secret, step) });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const fresh = res.body.recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => old.includes(c))).toBe(false);
    expect((await verifyWithRecovery(user.email, old[0]!)).status).toBe(401);
    expect((await verifyWithRecovery(user.email, fresh[0]!)).status).toBe(200);
  });

  it('refuses to regenerate without a valid TOTP code', async () => {
    const { user, accessToken, recoveryCodes } = await enrol(t);
    const missing = await request(t.app).post('/auth/2fa/recovery-codes').set(bearer(accessToken));
    expect(missing.status).toBe(400);
    const wrong = await request(t.app)
      .post('/auth/2fa/recovery-codes')
      .set(bearer(accessToken))
      .send({ totpCode: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_2FA_CODE');
    // The old codes are still valid.
    expect((await verifyWithRecovery(user.email, recoveryCodes[0]!)).status).toBe(200);
  });

  it('answers 400 2FA_NOT_ENABLED to regeneration when 2FA is off', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await request(t.app)
      .post('/auth/2fa/recovery-codes')
      .set(bearer(accessToken))
      .send({ totpCode: '123456' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('2FA_NOT_ENABLED');
  });
});

describe('recovery codes at rest and in use', () => {
  it('stores a keyed hash, not the bare SHA-256 of the code', async () => {
    const store = new InMemoryTwoFactorStore();
    const t = createTestApp({ configurator: { twoFactorStore: store } });
    try {
      const { user, recoveryCodes } = await enrol(t);
      const bare = sha256Hex(recoveryCodes[0]!.replace(/-/g, ''));
      // Had the store held the SHA-256, this would have consumed it.
      expect(await store.consumeRecoveryCode(user.id, bare)).toBe(false);
      expect(await store.countRecoveryCodes(user.id)).toBe(10);
    } finally {
      await t.close();
    }
  });

  it('still accepts a code stored as bare SHA-256 by an earlier release', async () => {
    const store = new InMemoryTwoFactorStore();
    const t = createTestApp({ configurator: { twoFactorStore: store } });
    try {
      const { user } = await enrol(t);
      await store.replaceRecoveryCodes(user.id, [sha256Hex('abcdefghjkmn')]);
      const tempToken = await challenge(t.app, user.email);
      const res = await request(t.app)
        .post('/auth/2fa/verify')
        .send({ tempToken, recoveryCode: 'abcd-efgh-jkmn' });
      expect(res.status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('publishes the use and mails the owner, with the count left', async () => {
    const notices: Array<{ to: string; remaining: number }> = [];
    const t = createTestApp({
      config: {
        email: {
          sendRecoveryCodeUsed: async (to, data) => {
            notices.push({ to, remaining: data.remaining });
          },
        },
      },
    });
    try {
      const { user, recoveryCodes } = await enrol(t);
      const tempToken = await challenge(t.app, user.email);
      await request(t.app)
        .post('/auth/2fa/verify')
        .send({ tempToken, recoveryCode: recoveryCodes[3] })
        .expect(200);
      await t.auth.idle();
      expect(notices).toEqual([{ to: user.email, remaining: 9 }]);
      const event = t.events.find((e) => e.event === AuthEventNames.USER_2FA_RECOVERY_CODE_USED);
      expect(event).toMatchObject({ userId: user.id, data: { remaining: 9 } });
    } finally {
      await t.close();
    }
  });
});
