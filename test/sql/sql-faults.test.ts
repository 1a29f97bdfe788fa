import express, { type Express } from 'express';
import jwt from 'jsonwebtoken';
import mysql from 'mysql2/promise';
import { Pool } from 'pg';
import request from 'supertest';
import { AuthConfigurator, type BaseUser } from 'keyward';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { ACCESS_SECRET, PASSWORD, REFRESH_SECRET } from '../helpers/app';
import { describeWithService, uniquePrefix, type ServiceName } from '../helpers/services';
import { TcpProxy } from './tcp-proxy';

interface Target {
  service: ServiceName;
  label: string;
  defaultPort: number;
  open(url: string, tablePrefix: string): SqlStores;
}

/**
 * The pools point at the proxy; no 'error' listener is attached to them on purpose: the stores
 * must keep the process alive when idle connections die.
 */
const TARGETS: Target[] = [
  {
    service: 'postgres',
    label: 'PostgreSQL',
    defaultPort: 5432,
    open: (url, tablePrefix) =>
      createSqlStores({
        dialect: 'postgres',
        pool: new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2000 }),
        tablePrefix,
      }),
  },
  {
    service: 'mysql',
    label: 'MariaDB/MySQL',
    defaultPort: 3306,
    open: (url, tablePrefix) =>
      createSqlStores({
        dialect: 'mysql',
        pool: mysql.createPool({ uri: url, connectionLimit: 4, connectTimeout: 2000 }),
        tablePrefix,
      }),
  },
];

const STORE_UNAVAILABLE = { error: 'The data store is unavailable', code: 'STORE_UNAVAILABLE' };

for (const target of TARGETS) {
  describeWithService(
    target.service,
    `keyward on ${target.label} when the database goes away`,
    (url) => {
      const prefix = uniquePrefix('kwf');
      const direct = new URL(url);
      const proxy = new TcpProxy(direct.hostname, Number(direct.port || target.defaultPort));
      let stores: SqlStores;
      let auth: AuthConfigurator;
      let app: Express;
      let user: BaseUser;
      let proxyUp = true;
      const stopProxy = async () => {
        proxyUp = false;
        await proxy.stop();
      };
      const startProxy = async () => {
        await proxy.start();
        proxyUp = true;
      };

      beforeAll(async () => {
        await proxy.start();
        const viaProxy = new URL(url);
        viaProxy.hostname = '127.0.0.1';
        viaProxy.port = String(proxy.port);
        stores = target.open(viaProxy.toString(), prefix);
        await stores.migrate();
        auth = new AuthConfigurator(
          {
            accessTokenSecret: ACCESS_SECRET,
            refreshTokenSecret: REFRESH_SECRET,
            bcryptSaltRounds: 4,
          },
          stores.userStore,
          { sessionStore: stores.sessionStore },
        );
        app = express();
        app.use('/auth', auth.router());
        user = await stores.userStore.create({
          email: `Faults.${prefix}@Example.test`,
          password: await auth.passwordService.hash(PASSWORD),
          loginProvider: 'local',
        });
      });
      afterEach(async () => {
        // Every test leaves the database reachable for the next one.
        if (!proxyUp) await startProxy();
      });
      afterAll(async () => {
        await stores.dropTables();
        await stores.destroy();
        await auth.close();
        await proxy.stop();
      });

      /** Statements on this run's tables, as they cross the wire (identifiers quoted either way). */
      const statementOn = (verb: 'insert into' | 'update', table: string) =>
        new RegExp(`${verb} ["\`]${prefix}${table}["\`]`, 'i');

      const login = () =>
        request(app)
          .post('/auth/login')
          .set('X-Auth-Strategy', 'bearer')
          .send({ email: user.email, password: PASSWORD });
      const refresh = (refreshToken: string) =>
        request(app).post('/auth/refresh').set('X-Auth-Strategy', 'bearer').send({ refreshToken });
      const sessionCount = async () =>
        (await stores.sessionStore.getSessionsForUser(user.id)).length;
      const sidOf = (token: string) => (jwt.decode(token) as { sid: string }).sid;

      it('POST /auth/login answers 503 STORE_UNAVAILABLE while the database is unreachable, and signs in again once it is back', async () => {
        const before = await sessionCount();
        await stopProxy();
        const down = await login();
        expect(down.status).toBe(503);
        expect(down.body).toEqual(STORE_UNAVAILABLE);

        await startProxy();
        const up = await login();
        expect(up.status).toBe(200);
        expect(await sessionCount()).toBe(before + 1);
      });

      it('a login cut off while writing its session answers 503 and leaves no session behind', async () => {
        const before = await sessionCount();
        proxy.cutOn(statementOn('insert into', 'sessions'));
        proxyUp = false;
        const res = await login();
        expect(proxy.tripped).toBe(true);
        expect(res.status).toBe(503);
        expect(res.body).toEqual(STORE_UNAVAILABLE);

        await startProxy();
        expect(await sessionCount()).toBe(before);
        expect((await login()).status).toBe(200);
        expect(await sessionCount()).toBe(before + 1);
      });

      it('a refresh cut off while rotating answers 503, leaves the session unrotated, and the same token refreshes once the database is back', async () => {
        const { refreshToken } = (await login()).body as { refreshToken: string };
        const sid = sidOf(refreshToken);
        const before = await stores.sessionStore.getSession(sid);

        proxy.cutOn(statementOn('update', 'sessions'));
        proxyUp = false;
        const res = await refresh(refreshToken);
        expect(proxy.tripped).toBe(true);
        expect(res.status).toBe(503);
        expect(res.body).toEqual(STORE_UNAVAILABLE);

        await startProxy();
        // Nothing of the rotation was written: had it been, the token would now count as reused.
        expect(await stores.sessionStore.getSession(sid)).toEqual(before);
        const retried = await refresh(refreshToken);
        expect(retried.status).toBe(200);
        expect(sidOf(retried.body.refreshToken as string)).toBe(sid);
      });

      it('POST /auth/refresh answers 503 (not 401) while the database is unreachable, and refreshes once it is back', async () => {
        const { refreshToken } = (await login()).body as { refreshToken: string };
        await stopProxy();
        const down = await refresh(refreshToken);
        expect(down.status).toBe(503);
        expect(down.body).toEqual(STORE_UNAVAILABLE);

        await startProxy();
        const up = await refresh(refreshToken);
        expect(up.status).toBe(200);
        expect(typeof up.body.accessToken).toBe('string');
      });

      it('a cookie refresh answered 503 keeps the cookies, so a database blip signs nobody out', async () => {
        const agent = request.agent(app);
        const signIn = await agent
          .post('/auth/login')
          .send({ email: user.email, password: PASSWORD });
        expect(signIn.status).toBe(200);
        await stopProxy();
        const down = await agent.post('/auth/refresh');
        expect(down.status).toBe(503);
        expect(down.headers['set-cookie']).toBeUndefined();

        await startProxy();
        expect((await agent.post('/auth/refresh')).status).toBe(200);
      });
    },
  );
}
