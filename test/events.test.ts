import request from 'supertest';
import { AuthEventBus, AuthEventNames, InMemorySessionStore, type AuthEventPayload } from 'keyward';
import { bearerLogin, appFactory, bearerLoginRequest, bearerRefresh } from './helpers/app';

const app = appFactory();

describe('AuthEventBus', () => {
  it('delivers a published event to its subscribers with name and timestamp', () => {
    const bus = new AuthEventBus();
    const received: AuthEventPayload[] = [];
    bus.onEvent('identity.user.created', (e) => {
      received.push(e);
    });
    bus.publish('identity.user.created', {
      userId: 'u1',
      ip: '10.0.0.1',
      data: { source: 'test' },
    });

    expect(received).toHaveLength(1);
    const [e] = received as [AuthEventPayload];
    expect(e.event).toBe('identity.user.created');
    expect(e.userId).toBe('u1');
    expect(e.ip).toBe('10.0.0.1');
    expect(e.data).toEqual({ source: 'test' });
    expect(new Date(e.timestamp).toISOString()).toBe(e.timestamp);
    expect(Math.abs(Date.parse(e.timestamp) - Date.now())).toBeLessThan(5000);
  });

  it("delivers every event to '*' subscribers and only matching events to named ones", () => {
    const bus = new AuthEventBus();
    const all: string[] = [];
    const logins: string[] = [];
    bus.onEvent('*', (e) => {
      all.push(e.event);
    });
    bus.onEvent(AuthEventNames.AUTH_LOGIN_SUCCESS, (e) => {
      logins.push(e.event);
    });
    bus.publish(AuthEventNames.AUTH_LOGIN_SUCCESS);
    bus.publish(AuthEventNames.AUTH_LOGOUT);
    bus.publish('app.custom.event');

    expect(all).toEqual([
      AuthEventNames.AUTH_LOGIN_SUCCESS,
      AuthEventNames.AUTH_LOGOUT,
      'app.custom.event',
    ]);
    expect(logins).toEqual([AuthEventNames.AUTH_LOGIN_SUCCESS]);
  });

  it('stops delivering after the returned unsubscribe function is called', () => {
    const bus = new AuthEventBus();
    const named: string[] = [];
    const wildcard: string[] = [];
    const offNamed = bus.onEvent('x.y.z', (e) => {
      named.push(e.event);
    });
    const offAll = bus.onEvent('*', (e) => {
      wildcard.push(e.event);
    });
    bus.publish('x.y.z');
    offNamed();
    offAll();
    bus.publish('x.y.z');
    expect(named).toEqual(['x.y.z']);
    expect(wildcard).toEqual(['x.y.z']);
  });

  it('keeps delivering to other subscribers when one throws, and reports the error', () => {
    const errors: unknown[] = [];
    const bus = new AuthEventBus((err) => errors.push(err));
    const after: string[] = [];
    bus.onEvent('a.b.c', () => {
      throw new Error('subscriber exploded');
    });
    bus.onEvent('a.b.c', (e) => {
      after.push(e.event);
    });
    bus.onEvent('*', (e) => {
      after.push(`*:${e.event}`);
    });

    expect(() => bus.publish('a.b.c')).not.toThrow();
    expect(after).toEqual(['a.b.c', '*:a.b.c']);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('subscriber exploded');
  });

  it('reports a rejecting async subscriber without an unhandled rejection', async () => {
    const errors: unknown[] = [];
    let reported!: () => void;
    const report = new Promise<void>((resolve) => (reported = resolve));
    // The bus's error handler is the hook: the test resumes when the bus reports the failure.
    const bus = new AuthEventBus((err) => {
      errors.push(err);
      reported();
    });
    bus.onEvent('a.b.c', async () => {
      await Promise.resolve();
      throw new Error('async subscriber failed');
    });
    expect(() => bus.publish('a.b.c')).not.toThrow();
    await report;
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('async subscriber failed');
  });
});

describe('AuthEventNames', () => {
  it('uses the reference domain.resource.action names', () => {
    expect(AuthEventNames).toMatchObject({
      USER_CREATED: 'identity.user.created',
      USER_DELETED: 'identity.user.deleted',
      USER_EMAIL_VERIFIED: 'identity.user.email.verified',
      USER_EMAIL_CHANGED: 'identity.user.email.changed',
      USER_PASSWORD_CHANGED: 'identity.user.password.changed',
      USER_PASSWORD_RESET: 'identity.user.password.reset',
      USER_2FA_ENABLED: 'identity.user.2fa.enabled',
      USER_2FA_DISABLED: 'identity.user.2fa.disabled',
      SESSION_CREATED: 'identity.session.created',
      SESSION_REVOKED: 'identity.session.revoked',
      SESSION_EXPIRED: 'identity.session.expired',
      SESSION_ROTATED: 'identity.session.rotated',
      AUTH_LOGIN_SUCCESS: 'identity.auth.login.success',
      AUTH_LOGIN_FAILED: 'identity.auth.login.failed',
      AUTH_LOGOUT: 'identity.auth.logout',
      TENANT_CREATED: 'identity.tenant.created',
      ROLE_ASSIGNED: 'identity.role.assigned',
      PERMISSION_GRANTED: 'identity.permission.granted',
    });
  });

  it('has distinct values that all live under identity.', () => {
    const values = Object.values(AuthEventNames);
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) expect(v).toMatch(/^identity(\.[a-z0-9]+){2,}$/);
  });
});

describe('events published by the router', () => {
  const t = app({ configurator: { sessionStore: new InMemorySessionStore() } });
  const since = () => {
    const start = t.events.length;
    return () => t.events.slice(start);
  };

  it('publishes SESSION_CREATED and AUTH_LOGIN_SUCCESS on login', async () => {
    const user = await t.createUser();
    const newEvents = since();
    const pair = await bearerLogin(t.app, user.email);
    const sid = (
      JSON.parse(Buffer.from(pair.accessToken.split('.')[1]!, 'base64url').toString()) as {
        sid: string;
      }
    ).sid;
    const events = newEvents();
    expect(events.map((e) => e.event)).toEqual([
      AuthEventNames.SESSION_CREATED,
      AuthEventNames.AUTH_LOGIN_SUCCESS,
    ]);
    for (const e of events) {
      expect(e.userId).toBe(user.id);
      expect(e.sessionId).toBe(sid);
      expect(e.ip).toMatch(/127\.0\.0\.1|::1/);
    }
    expect(events[1]!.data).toEqual({ provider: 'local' });
  });

  it('publishes AUTH_LOGIN_FAILED without the attempted password', async () => {
    const user = await t.createUser();
    const newEvents = since();
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: 'wrong password here' });
    expect(res.status).toBe(401);
    const failed = newEvents().filter((e) => e.event === AuthEventNames.AUTH_LOGIN_FAILED);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data?.reason).toBe('invalid_credentials');
    expect(JSON.stringify(failed[0])).not.toContain('wrong password here');
  });

  it('publishes AUTH_LOGOUT (and SESSION_REVOKED with reason logout) on logout', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const newEvents = since();
    await request(t.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .expect(200);
    const events = newEvents();
    const logout = events.find((e) => e.event === AuthEventNames.AUTH_LOGOUT);
    expect(logout?.userId).toBe(user.id);
    expect(typeof logout?.sessionId).toBe('string');
    const revoked = events.find((e) => e.event === AuthEventNames.SESSION_REVOKED);
    expect(revoked?.data?.reason).toBe('logout');
    expect(revoked?.sessionId).toBe(logout?.sessionId);
  });

  it('publishes no AUTH_LOGOUT for a logout without any session', async () => {
    const newEvents = since();
    await request(t.app).post('/auth/logout').expect(200);
    expect(newEvents().filter((e) => e.event === AuthEventNames.AUTH_LOGOUT)).toHaveLength(0);
  });

  it('publishes SESSION_ROTATED on refresh', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const newEvents = since();
    await bearerRefresh(t.app, pair.refreshToken).expect(200);
    const rotated = newEvents().filter((e) => e.event === AuthEventNames.SESSION_ROTATED);
    expect(rotated).toHaveLength(1);
    expect(rotated[0]!.userId).toBe(user.id);
  });

  it('publishes USER_CREATED on registration', async () => {
    const r = app({
      router: {
        onRegister: (data) => r.createUser({ email: String(data.email) }),
      },
    });
    const res = await request(r.app)
      .post('/auth/register')
      .send({ email: 'new-user@example.test' });
    expect(res.status).toBe(201);
    const created = r.events.filter((e) => e.event === AuthEventNames.USER_CREATED);
    expect(created.map((e) => e.userId)).toEqual([res.body.userId]);
  });
});

describe('failing subscribers never break the request that published', () => {
  const errors: unknown[] = [];
  let asyncReported!: () => void;
  const asyncReport = new Promise<void>((resolve) => (asyncReported = resolve));
  const bus = new AuthEventBus((err) => {
    errors.push(err);
    if ((err as Error).message === 'async subscriber failure') asyncReported();
  });
  bus.onEvent(AuthEventNames.AUTH_LOGIN_SUCCESS, () => {
    throw new Error('sync subscriber failure');
  });
  bus.onEvent(AuthEventNames.SESSION_CREATED, () =>
    Promise.reject(new Error('async subscriber failure')),
  );
  bus.onEvent('*', () => {
    throw new Error('wildcard subscriber failure');
  });
  const t = app({ configurator: { eventBus: bus } });

  it('still signs the user in, refreshes and logs out, and reports every failure', async () => {
    const user = await t.createUser();
    const login = await bearerLoginRequest(t.app, user.email);
    expect(login.status).toBe(200);
    expect(typeof login.body.accessToken).toBe('string');

    const refresh = await bearerRefresh(t.app, login.body.refreshToken);
    expect(refresh.status).toBe(200);

    const logout = await request(t.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${refresh.body.accessToken}`);
    expect(logout.status).toBe(200);

    // The only failure reported after a turn of the event loop is the rejected promise's.
    await asyncReport;
    const messages = errors.map((e) => (e as Error).message);
    expect(messages).toContain('sync subscriber failure');
    expect(messages).toContain('async subscriber failure');
    expect(
      messages.filter((m) => m === 'wildcard subscriber failure').length,
    ).toBeGreaterThanOrEqual(4);
  });
});
