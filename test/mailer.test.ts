import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  AuthError,
  MailerService,
  type AuthLogger,
  type BaseUser,
  type MailerConfig,
} from 'keyward';
import { bearerLogin, appFactory, type TestAppOptions, SITE_URL, sha256Hex } from './helpers/app';
import { Waiters } from './helpers/waiters';

const API_KEY = 'mail-api-key-for-tests';

/** The mailer settings of these tests, sending to `endpoint`. */
function mailerConfig(endpoint: string, extra: Partial<MailerConfig> = {}): MailerConfig {
  return { endpoint, apiKey: API_KEY, from: 'noreply@example.test', ...extra };
}

interface MailBody {
  to: string;
  from: string;
  fromName?: string;
  provider?: string;
  subject: string;
  html: string;
  text: string;
}

interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: MailBody;
}

/** A local mail API on 127.0.0.1 that records every request and answers with `status`. */
class MailSink {
  readonly requests: RecordedRequest[] = [];
  status = 202;
  /** When true the sink reads the request and never answers. */
  hang = false;
  private readonly waiters = new Waiters<RecordedRequest>();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as MailBody,
      };
      this.requests.push(recorded);
      this.waiters.deliver(recorded);
      if (this.hang) return;
      res.statusCode = this.status;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ accepted: this.status < 300 }));
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/send`;
  }

  /** Resolves with the next request the sink receives; rejects (and stops waiting) after 5 s. */
  next(what = 'a request at the mail endpoint'): Promise<RecordedRequest> {
    return this.waiters.next(what);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A URL on 127.0.0.1 where nothing listens. */
async function unreachableUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/send`;
}

function recordingLogger() {
  const errors: Array<{ message: string; detail: unknown }> = [];
  const logger: AuthLogger = {
    error: (message, detail) => errors.push({ message, detail }),
    warn: () => undefined,
  };
  return { logger, errors };
}

const sinks: MailSink[] = [];
async function sink(): Promise<MailSink> {
  const s = await new MailSink().start();
  sinks.push(s);
  return s;
}
// Sinks first: the afterAll hooks run in this order.
afterAll(() => Promise.all(sinks.map((s) => s.stop())));
const app = appFactory();

/** Mail endpoints that fail, by how: each gives the URL of a fresh one. */
const FAILING_ENDPOINTS: Array<[string, () => Promise<string>]> = [
  [
    'answers 500',
    async () => {
      const s = await sink();
      s.status = 500;
      return s.url;
    },
  ],
  ['cannot be reached', unreachableUrl],
];

/** An app whose only way to send mail is the HTTP mailer. */
function mailerApp(mailer: MailerConfig, opts: TestAppOptions = {}) {
  const { logger, errors } = recordingLogger();
  const t = app({
    ...opts,
    captureMail: false,
    config: { logger, ...opts.config, email: { siteUrl: SITE_URL, mailer, ...opts.config?.email } },
  });
  return { t, errors };
}

describe('MailerService', () => {
  it('POSTs JSON {to, from, subject, html, text} with X-API-Key, omitting unset fromName and provider', async () => {
    const s = await sink();
    const mailer = new MailerService(mailerConfig(s.url));
    await mailer.sendPasswordReset(
      'ada@example.test',
      'tok',
      `${SITE_URL}/auth/reset-password?token=tok`,
    );

    expect(s.requests).toHaveLength(1);
    const [req] = s.requests as [RecordedRequest];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/send');
    expect(req.headers['x-api-key']).toBe(API_KEY);
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(req.body).sort()).toEqual(['from', 'html', 'subject', 'text', 'to']);
    expect(req.body.to).toBe('ada@example.test');
    expect(req.body.from).toBe('noreply@example.test');
    expect(req.body.html).toContain(`${SITE_URL}/auth/reset-password?token=tok`);
    expect(req.body.text).toContain(`${SITE_URL}/auth/reset-password?token=tok`);
    // The raw token is only ever sent inside the link.
    expect(req.body.text).not.toMatch(/token: tok\b/);
  });

  it('includes fromName and provider when they are set', async () => {
    const s = await sink();
    const mailer = new MailerService(
      mailerConfig(s.url, { fromName: 'Example App', provider: 'postmark' }),
    );
    await mailer.sendVerificationEmail('ada@example.test', 'tok', `${SITE_URL}/v?token=tok`);
    const body = s.requests[0]!.body;
    expect(body.fromName).toBe('Example App');
    expect(body.provider).toBe('postmark');
    expect(Object.keys(body).sort()).toEqual([
      'from',
      'fromName',
      'html',
      'provider',
      'subject',
      'text',
      'to',
    ]);
  });

  it('writes English by default and Italian with defaultLang it or a per-message lang', async () => {
    const s = await sink();
    const base = mailerConfig(s.url);
    const english = new MailerService(base);
    const italian = new MailerService({ ...base, defaultLang: 'it' });

    await english.sendPasswordReset('a@example.test', 't', `${SITE_URL}/r?token=t`);
    await italian.sendPasswordReset('a@example.test', 't', `${SITE_URL}/r?token=t`);
    await english.sendPasswordReset('a@example.test', 't', `${SITE_URL}/r?token=t`, 'it');
    await italian.sendPasswordReset('a@example.test', 't', `${SITE_URL}/r?token=t`, 'en');
    await italian.sendPasswordReset('a@example.test', 't', `${SITE_URL}/r?token=t`, 'fr');

    expect(s.requests.map((r) => r.body.subject)).toEqual([
      'Reset your password',
      'Reimposta la password',
      'Reimposta la password',
      'Reset your password',
      'Reimposta la password',
    ]);
  });

  it('has a template for every kind of message in both languages', async () => {
    const s = await sink();
    const mailer = new MailerService(mailerConfig(s.url));
    for (const lang of ['en', 'it']) {
      await mailer.sendVerificationEmail('a@example.test', 't', `${SITE_URL}/v?token=t`, lang);
      await mailer.sendMagicLink('a@example.test', 't', `${SITE_URL}/m?token=t`, lang);
      await mailer.sendWelcome(
        'a@example.test',
        { loginUrl: `${SITE_URL}/login`, firstName: 'Ada' },
        lang,
      );
      await mailer.sendEmailChanged('a@example.test', 'new@example.test', lang);
    }
    expect(s.requests.map((r) => r.body.subject)).toEqual([
      'Confirm your email address',
      'Your sign-in link',
      'Welcome',
      'Your email address was changed',
      'Conferma il tuo indirizzo email',
      'Il tuo link di accesso',
      'Benvenuto',
      'Il tuo indirizzo email è stato cambiato',
    ]);
    expect(s.requests[2]!.body.html).toContain('Welcome, Ada!');
    expect(s.requests[2]!.body.html).toContain(`href="${SITE_URL}/login"`);
    expect(s.requests[3]!.body.text).toContain('new@example.test');
  });

  it('throws 502 MAIL_DELIVERY_FAILED when the endpoint answers 500', async () => {
    const s = await sink();
    s.status = 500;
    const mailer = new MailerService(mailerConfig(s.url));
    const err = await mailer
      .sendWelcome('a@example.test', { loginUrl: `${SITE_URL}/login` })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).code).toBe('MAIL_DELIVERY_FAILED');
    expect((err as AuthError).statusCode).toBe(502);
    expect((err as AuthError).message).not.toContain(API_KEY);
    expect(s.requests).toHaveLength(1);
  });

  it('throws 502 MAIL_DELIVERY_FAILED when the endpoint cannot be reached', async () => {
    const mailer = new MailerService(mailerConfig(await unreachableUrl()));
    const err = await mailer
      .sendEmailChanged('a@example.test', 'b@example.test')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).code).toBe('MAIL_DELIVERY_FAILED');
    expect((err as AuthError).statusCode).toBe(502);
  });

  it('gives up after timeoutMs when the endpoint never answers', async () => {
    const s = await sink();
    s.hang = true;
    const mailer = new MailerService(mailerConfig(s.url, { timeoutMs: 200 }));
    const started = Date.now();
    const err = await mailer
      .sendMagicLink('a@example.test', 't', `${SITE_URL}/m?token=t`)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).code).toBe('MAIL_DELIVERY_FAILED');
    // Well before the 10 s default: the configured timeout was honoured.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(s.requests).toHaveLength(1);
  });

  it('escapes user-controlled values in HTML bodies', async () => {
    const s = await sink();
    const mailer = new MailerService(mailerConfig(s.url));
    const evilEmail = '"><script>alert(1)</script>@evil.test';
    const evilName = '<img src=x onerror=alert(1)>';
    const evilLink = `${SITE_URL}/auth/reset-password?token=a"onmouseover="alert(1)&x=<b>`;
    await mailer.sendEmailChanged('a@example.test', evilEmail);
    await mailer.sendWelcome('a@example.test', {
      loginUrl: evilLink,
      firstName: evilName,
      tempPassword: '<i>pw</i>',
    });
    await mailer.sendPasswordReset('a@example.test', 't', evilLink, 'it');

    const [changed, welcome, reset] = s.requests.map((r) => r.body.html) as [
      string,
      string,
      string,
    ];
    expect(changed).not.toContain('<script>');
    expect(changed).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@evil.test');
    expect(welcome).not.toContain('<img');
    expect(welcome).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(welcome).not.toContain('<i>pw</i>');
    expect(welcome).not.toContain('"onmouseover="');
    expect(reset).not.toContain('"onmouseover="');
    expect(reset).not.toContain('<b>');
    expect(reset).toContain('a&quot;onmouseover=&quot;alert(1)&amp;x=&lt;b&gt;');
  });
});

describe('the router sending through email.mailer', () => {
  it('sends the reset link through the mail API after answering forgot-password', async () => {
    const s = await sink();
    const { t } = mailerApp(mailerConfig(s.url));
    const user = await t.createUser();
    const received = s.next();
    const res = await request(t.app).post('/auth/forgot-password').send({ email: user.email });
    expect(res.status).toBe(200);

    const mail = await received;
    expect(mail.headers['x-api-key']).toBe(API_KEY);
    expect(mail.body.to).toBe(user.email);
    expect(mail.body.subject).toBe('Reset your password');
    const match = /auth\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.body.text);
    expect(match).not.toBeNull();
    expect(mail.body.text).toContain(`${SITE_URL}/auth/reset-password?token=${match![1]}`);
    expect((await t.store.findById(user.id))?.resetToken).toBe(sha256Hex(match![1]!));

    // The token from the mail works.
    const reset = await request(t.app)
      .post('/auth/reset-password')
      .send({ token: match![1], newPassword: 'a new passphrase here' });
    expect(reset.status).toBe(200);
  });

  it('writes English by default and Italian when the request asks for emailLang it', async () => {
    const s = await sink();
    // Two mails to one address within seconds: the per-recipient send throttle (tested in
    // brute-force.test.ts) would hold back the second.
    const { t } = mailerApp(mailerConfig(s.url), {
      router: { rateLimit: { routes: { 'send-verification-email': { recipient: false } } } },
    });
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);

    await request(t.app)
      .post('/auth/send-verification-email')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({})
      .expect(200);
    await request(t.app)
      .post('/auth/send-verification-email')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ emailLang: 'it' })
      .expect(200);
    expect(s.requests.map((r) => r.body.subject)).toEqual([
      'Confirm your email address',
      'Conferma il tuo indirizzo email',
    ]);
    expect(s.requests[1]!.body.html).toContain(`${SITE_URL}/auth/verify-email?token=`);
  });

  it('writes Italian by default with mailer defaultLang it', async () => {
    const s = await sink();
    const { t } = mailerApp(mailerConfig(s.url, { defaultLang: 'it' }));
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    await request(t.app)
      .post('/auth/send-verification-email')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({})
      .expect(200);
    expect(s.requests[0]!.body.subject).toBe('Conferma il tuo indirizzo email');
  });

  it('uses the email callbacks instead of the mailer when both are set', async () => {
    const s = await sink();
    const t = app({
      config: {
        email: { mailer: mailerConfig(s.url) },
      },
    });
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const captured = t.nextMail();
    await request(t.app)
      .post('/auth/send-verification-email')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({})
      .expect(200);
    expect((await captured).kind).toBe('verify');

    const reset = t.nextMail();
    await request(t.app).post('/auth/forgot-password').send({ email: user.email }).expect(200);
    expect((await reset).kind).toBe('reset');
    await t.auth.idle();
    expect(s.requests).toHaveLength(0);
  });

  it.each(FAILING_ENDPOINTS)(
    'answers 502 MAIL_DELIVERY_FAILED to send-verification-email when the endpoint %s',
    async (_name, endpointOf) => {
      const { t, errors } = mailerApp(mailerConfig(await endpointOf()));
      const user = await t.createUser();
      const { accessToken } = await bearerLogin(t.app, user.email);
      const res = await request(t.app)
        .post('/auth/send-verification-email')
        .set('Authorization', `Bearer ${accessToken}`)
        .send({});
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('MAIL_DELIVERY_FAILED');
      expect(Object.keys(res.body).sort()).toEqual(['code', 'error']);
      expect(JSON.stringify(res.body)).not.toMatch(/\bat \S+:\d+|stack|127\.0\.0\.1/);
      expect(errors.length).toBeGreaterThan(0);

      // The server is still healthy afterwards.
      const me = await request(t.app).get('/auth/me').set('Authorization', `Bearer ${accessToken}`);
      expect(me.status).toBe(200);
    },
  );

  it.each(FAILING_ENDPOINTS)(
    'still answers forgot-password with its usual 200 when the endpoint %s',
    async (_name, endpointOf) => {
      const { t, errors } = mailerApp(mailerConfig(await endpointOf()));
      const user = await t.createUser();
      const known = await request(t.app).post('/auth/forgot-password').send({ email: user.email });
      const unknown = await request(t.app)
        .post('/auth/forgot-password')
        .send({ email: 'nobody@example.test' });
      expect(known.status).toBe(200);
      expect(known.body).toEqual(unknown.body);
      expect(known.body.success).toBe(true);
      // The failure is logged, not reported to the client.
      await t.auth.idle();
      expect(errors.length).toBeGreaterThan(0);
    },
  );

  it('escapes user-controlled values in mails the router sends', async () => {
    const s = await sink();
    const { t } = mailerApp(mailerConfig(s.url), {
      router: {
        onRegister: async (data): Promise<BaseUser> =>
          t.createUser({ email: String(data.email), firstName: String(data.firstName) }),
      },
    });
    const received = s.next();
    const res = await request(t.app)
      .post('/auth/register')
      .send({ email: 'mallory@example.test', firstName: '<script>alert(1)</script>' });
    expect(res.status).toBe(201);
    const mail = await received;
    expect(mail.body.subject).toBe('Welcome');
    expect(mail.body.html).not.toContain('<script>');
    expect(mail.body.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
