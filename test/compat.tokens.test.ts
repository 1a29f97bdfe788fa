import jwt from 'jsonwebtoken';
import request from 'supertest';
import { ACCESS_SECRET, appFactory, bearerRefresh } from './helpers/app';

const app = appFactory();

describe('generateTokenPair() and verifyRefreshToken() (as the reference writes them)', () => {
  const t = app();
  const auth = t.auth;
  const config = t.auth.config.source;

  async function standalonePair() {
    const user = await t.createUser();
    const tokens = auth.tokenService.generateTokenPair({ sub: user.id, email: user.email }, config);
    return { user, tokens };
  }

  it('verifyRefreshToken accepts the pair generateTokenPair made', async () => {
    const { user, tokens } = await standalonePair();
    const payload = auth.tokenService.verifyRefreshToken(tokens.refreshToken, config);
    expect(payload.sub).toBe(user.id);
    expect(auth.tokenService.verifyAccessToken(tokens.accessToken, config)?.sub).toBe(user.id);
  });

  it('POST /refresh exchanges it once for a real, rotating session', async () => {
    const { user, tokens } = await standalonePair();
    const first = await bearerRefresh(t.app, tokens.refreshToken);
    expect(first.status).toBe(200);
    const next = auth.tokenService.verifyRefreshToken(first.body.refreshToken as string, config);
    expect(next.sub).toBe(user.id);
    expect(next.sid).not.toBe('');
    const devices = await request(t.app)
      .get('/auth/sessions')
      .set('Authorization', `Bearer ${first.body.accessToken as string}`);
    expect(devices.status).toBe(200);
    expect(JSON.stringify(devices.body)).toContain(next.sid);
    // The session rotates as any other.
    const second = await bearerRefresh(t.app, first.body.refreshToken as string);
    expect(second.status).toBe(200);
  });

  it('refuses the standalone refresh token a second time (single use)', async () => {
    const { tokens } = await standalonePair();
    expect((await bearerRefresh(t.app, tokens.refreshToken)).status).toBe(200);
    const again = await bearerRefresh(t.app, tokens.refreshToken);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('lets only one of two concurrent refreshes of the same token through', async () => {
    const { tokens } = await standalonePair();
    const answers = await Promise.all([
      bearerRefresh(t.app, tokens.refreshToken),
      bearerRefresh(t.app, tokens.refreshToken),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
  });

  it('refuses an expired standalone refresh token', async () => {
    const user = await t.createUser();
    const realNow = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(realNow - 8 * 24 * 3600 * 1000);
    let tokens;
    try {
      tokens = auth.tokenService.generateTokenPair({ sub: user.id, email: user.email }, config);
    } finally {
      clock.mockRestore();
    }
    expect(() => auth.tokenService.verifyRefreshToken(tokens.refreshToken, config)).toThrow();
    const res = await bearerRefresh(t.app, tokens.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it("refuses it after the user's access was revoked", async () => {
    const { user, tokens } = await standalonePair();
    await auth.revoke({ kind: 'user', userId: user.id, at: new Date() });
    const res = await bearerRefresh(t.app, tokens.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SESSION_REVOKED');
  });

  it('refuses a sessionless refresh token signed with another key', async () => {
    const { user } = await standalonePair();
    const now = Math.floor(Date.now() / 1000);
    const forged = jwt.sign(
      { sub: user.id, sid: '', jti: 'x'.repeat(43), typ: 'refresh', iat: now, exp: now + 600 },
      ACCESS_SECRET,
      { algorithm: 'HS256' },
    );
    const res = await bearerRefresh(t.app, forged);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
  });
});
