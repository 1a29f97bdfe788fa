import jwt from 'jsonwebtoken';
import request from 'supertest';
import { AuthEventNames } from 'keyward';
import { sseAppFactory, sseOf, type SseTestApp } from './sse-app';
import { refusal, type SseMessage } from './sse-client';

const sseApp = sseAppFactory();

const n = (value: string) => (m: SseMessage) => m.json.data?.n === value;
/** The stream's own revocation message: it carries no log id. */
const revokedNotice = (m: SseMessage) =>
  m.event === AuthEventNames.SESSION_REVOKED && m.id === undefined;

describe('revoked sessions', () => {
  let app: SseTestApp;
  beforeAll(async () => {
    app = await sseApp();
  });

  it("tells a logged-out session's stream it was revoked and ends it; the user's other sessions stay", async () => {
    const user = await app.signUp();
    const laptop = await app.signIn(user);
    const phoneStream = await app.stream(user);
    const laptopStream = await app.stream(laptop);

    await request(app.t.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .expect(200);

    const notice = await phoneStream.waitFor(revokedNotice);
    expect(notice.json).toEqual({
      event: AuthEventNames.SESSION_REVOKED,
      userId: user.userId,
      sessionId: user.sessionId,
      timestamp: expect.any(String),
    });
    await phoneStream.waitForEnd();
    // Nothing follows the notice.
    expect(phoneStream.messages.at(-1)).toBe(notice);

    await app.tools.notify(`user:${user.userId}`, { n: 'marker' });
    const laptopBefore = await laptopStream.before(n('marker'));
    expect(laptopStream.ended).toBe(false);
    expect(laptopBefore.filter(revokedNotice)).toEqual([]);
    // The laptop hears the phone's logout, as an event about its user.
    expect(laptopBefore).toContainEqual(
      expect.objectContaining({
        event: AuthEventNames.AUTH_LOGOUT,
        json: expect.objectContaining({ sessionId: user.sessionId }),
      }),
    );

    // A browser reconnecting with the revoked token is refused, so it stops retrying.
    const retry = await app.stream(user);
    expect(retry.status).toBe(401);
    expect(await refusal(retry)).toMatchObject({ code: 'SESSION_REVOKED' });
  });

  it('ends the streams of one session revoked through auth.revoke', async () => {
    const user = await app.signUp();
    const tab1 = await app.stream(user);
    const tab2 = await app.stream(user);
    await app.t.auth.revoke({ kind: 'session', sessionId: user.sessionId, at: new Date() });
    for (const tab of [tab1, tab2]) {
      const notice = await tab.waitFor(revokedNotice);
      expect(notice.json).toMatchObject({ sessionId: user.sessionId });
      await tab.waitForEnd();
      expect(tab.messages.at(-1)).toBe(notice);
    }
  });

  it('ends every stream of a user whose sessions were all revoked', async () => {
    const user = await app.signUp();
    const laptop = await app.signIn(user);
    const bystander = await app.signUp();
    const streams = [await app.stream(user), await app.stream(laptop)];
    const bystanderStream = await app.stream(bystander);

    await app.t.auth.revoke({ kind: 'user', userId: user.userId, at: new Date() });
    for (const stream of streams) {
      const notice = await stream.waitFor(revokedNotice);
      expect(notice.json).toMatchObject({ userId: user.userId, data: { allSessions: true } });
      await stream.waitForEnd();
    }

    await app.tools.notify(`user:${bystander.userId}`, { n: 'marker' });
    expect(await bystanderStream.before(n('marker'))).toEqual([]);
    expect(bystanderStream.ended).toBe(false);
  });
});

describe('token expiry', () => {
  it('ends the stream when the access token it was opened with expires, with a stream.expired message first', async () => {
    const app = await sseApp({ config: { accessTokenExpiresIn: 2 } });
    const user = await app.signUp();
    const { exp } = jwt.decode(user.accessToken) as { exp: number };
    const client = await app.stream(user);
    await app.tools.notify(`user:${user.userId}`, { n: 'live' });
    await client.waitFor(n('live'));

    const expired = await client.waitFor((m) => m.event === 'stream.expired', 5000);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    expect(expired.id).toBeUndefined();
    expect(expired.json).toMatchObject({
      event: 'stream.expired',
      expiresAt: new Date(exp * 1000).toISOString(),
    });
    await client.waitForEnd();
    expect(sseOf(app).connectionCount).toBe(0);

    // The client then refreshes and reconnects with the new token.
    const refreshed = await request(app.t.app)
      .post('/auth/refresh')
      .set('X-Auth-Strategy', 'bearer')
      .send({ refreshToken: user.refreshToken })
      .expect(200);
    const again = await app.stream({ ...user, accessToken: refreshed.body.accessToken as string });
    expect(again.status).toBe(200);
  });
});
