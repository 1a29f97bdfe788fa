import express from 'express';
import request from 'supertest';
import { AuthConfigurator, InMemoryUserStore, createAuthRouter, type AuthConfig } from 'keyward';
import { cleanConfig, doctorLines, recordingLogger, withNodeEnv } from './helpers/doctor';

const opened: AuthConfigurator[] = [];
afterAll(() => Promise.all(opened.map((a) => a.close())));

/** A strict verification mode with nothing to mail and a typed secret: one error, one warning. */
const faulty = (logger: AuthConfig['logger']): AuthConfig =>
  cleanConfig(logger!, {
    accessTokenSecret: 'changeme-changeme-changeme-changeme',
    emailVerificationMode: 'strict',
    email: { sendVerificationEmail: undefined },
  });

function configurator(config: AuthConfig) {
  const auth = new AuthConfigurator(config, new InMemoryUserStore());
  opened.push(auth);
  return auth;
}

describe('the router logs the doctor once at start-up', () => {
  it('logs errors as errors and warnings as warnings, through the configured logger, outside production', async () => {
    const { logger, lines } = recordingLogger();
    await withNodeEnv('development', () => configurator(faulty(logger)).router());
    expect(doctorLines(lines)).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(/^doctor MAIL_TRANSPORT_MISSING: .* Fix: /),
      },
      { level: 'warn', message: expect.stringMatching(/^doctor WEAK_SECRET: accessTokenSecret/) },
    ]);
  });

  it('logs under NODE_ENV=test too (anything but production)', () => {
    const { logger, lines } = recordingLogger();
    configurator(faulty(logger)).router();
    expect(doctorLines(lines)).toHaveLength(2);
  });

  it('logs each finding once, however many routers the configurator builds and requests they serve', async () => {
    const { logger, lines } = recordingLogger();
    const auth = configurator(faulty(logger));
    const app = express();
    app.use('/auth', auth.router());
    app.use('/other', auth.router());
    for (let i = 0; i < 3; i++) {
      expect((await request(app).post('/auth/refresh').send({})).status).toBe(401);
    }
    expect(doctorLines(lines)).toHaveLength(2);
  });

  it('does not log notes (info findings); auth.doctor() still lists them', async () => {
    const { logger, lines } = recordingLogger();
    const auth = configurator(cleanConfig(logger, { sms: undefined }));
    auth.router();
    expect(doctorLines(lines)).toEqual([]);
    expect((await auth.doctor()).map((f) => [f.level, f.code])).toEqual([
      ['info', 'SMS_TRANSPORT_MISSING'],
    ]);
  });

  it('logs nothing for a clean configuration, at start-up or on requests', async () => {
    const { logger, lines } = recordingLogger();
    const app = express();
    app.set('trust proxy', 1);
    app.use(express.json({ limit: '1mb' }));
    app.use('/auth', configurator(cleanConfig(logger)).router());
    await request(app).post('/auth/login').set('X-Forwarded-For', '203.0.113.9').send({});
    expect(lines).toEqual([]);
  });

  it('logs nothing in production', async () => {
    const { logger, lines } = recordingLogger();
    await withNodeEnv('production', async () => {
      const auth = configurator(faulty(logger));
      const app = express();
      app.use('/auth', auth.router());
      await request(app).get('/auth/health').set('X-Forwarded-For', '203.0.113.9');
    });
    expect(doctorLines(lines)).toEqual([]);
  });

  it('logs nothing with the router option doctor: false, at start-up or on requests', async () => {
    const { logger, lines } = recordingLogger();
    const app = express();
    app.use('/auth', configurator(faulty(logger)).router({ doctor: false }));
    const res = await request(app).get('/auth/health').set('X-Forwarded-For', '203.0.113.9');
    expect(res.status).toBe(200);
    expect(doctorLines(lines)).toEqual([]);
  });

  it('logs from a standalone createAuthRouter() as well', () => {
    const { logger, lines } = recordingLogger();
    createAuthRouter(new InMemoryUserStore(), faulty(logger));
    expect(doctorLines(lines).map((l) => l.message.split(':')[0])).toEqual([
      'doctor MAIL_TRANSPORT_MISSING',
      'doctor WEAK_SECRET',
    ]);
  });
});
