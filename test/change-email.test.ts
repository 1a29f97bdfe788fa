import request from 'supertest';
import { AuthEventNames } from 'keyward';
import {
  bearerLogin,
  bearerLoginRequest,
  createTestApp,
  type CapturedMail,
  SITE_URL,
  sha256Hex,
} from './helpers/app';

const fresh = (label: string) => `${label}-${Math.random().toString(36).slice(2)}@example.test`;

describe('change email', () => {
  const t = createTestApp();
  afterAll(() => t.close());

  function requestChange(accessToken: string, newEmail: string) {
    return request(t.app)
      .post('/auth/change-email/request')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ newEmail });
  }

  function confirm(token: string) {
    return request(t.app).post('/auth/change-email/confirm').send({ token });
  }

  /** Signs a new user in and asks to move them to a new address; returns the confirmation mail. */
  async function startChange() {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const newEmail = fresh('new');
    const mail = t.nextMail();
    const res = await requestChange(accessToken, newEmail);
    expect(res.status).toBe(200);
    return { user, accessToken, newEmail, mail: await mail };
  }

  it('requires authentication to request a change', async () => {
    const res = await request(t.app)
      .post('/auth/change-email/request')
      .send({ newEmail: fresh('x') });
    expect(res.status).toBe(401);
  });

  it('sends a confirmation link to the new address', async () => {
    const { user, newEmail, mail } = await startChange();
    expect(mail.kind).toBe('verify');
    expect(mail.to).toBe(newEmail);
    expect(mail.link).toBe(
      `${SITE_URL}/auth/change-email/confirm?token=${encodeURIComponent(mail.token!)}`,
    );
    const record = await t.store.findById(user.id);
    expect(record?.pendingEmail).toBe(newEmail);
    expect(record?.emailChangeToken).toBe(sha256Hex(mail.token!));
    // Nothing changes before the confirmation.
    expect(record?.email).toBe(user.email);
    expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
  });

  it('switches the email on confirm, marks it verified and notifies the old address', async () => {
    const { user, newEmail, mail } = await startChange();
    const notice = t.nextMail();
    const res = await confirm(mail.token!);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, email: newEmail });

    const changed: CapturedMail = await notice;
    expect(changed.kind).toBe('changed');
    expect(changed.to).toBe(user.email);
    expect(changed.newEmail).toBe(newEmail);

    expect((await bearerLoginRequest(t.app, newEmail)).status).toBe(200);
    const old = await bearerLoginRequest(t.app, user.email);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('INVALID_CREDENTIALS');

    const record = await t.store.findById(user.id);
    expect(record?.email).toBe(newEmail);
    expect(record?.isEmailVerified).toBe(true);
    expect(record?.emailChangeToken ?? null).toBeNull();
    expect(
      t.events.some((e) => e.event === AuthEventNames.USER_EMAIL_CHANGED && e.userId === user.id),
    ).toBe(true);
  });

  it('accepts a confirmation token only once', async () => {
    const { mail } = await startChange();
    expect((await confirm(mail.token!)).status).toBe(200);
    const again = await confirm(mail.token!);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
  });

  it('refuses an expired confirmation token', async () => {
    const { user, newEmail, mail } = await startChange();
    await t.store.updateEmailChangeToken(
      user.id,
      newEmail,
      sha256Hex(mail.token!),
      new Date(Date.now() - 1000),
    );
    const res = await confirm(mail.token!);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
    expect((await t.store.findById(user.id))?.email).toBe(user.email);
  });

  it('answers the same success for an address another user holds, and sends no mail', async () => {
    const user = await t.createUser();
    const holder = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);

    const free = fresh('free');
    const freeMail = t.nextMail();
    const forFree = await requestChange(accessToken, free);
    await freeMail;

    const before = t.mails.length;
    const forTaken = await requestChange(accessToken, holder.email);
    expect(forTaken.status).toBe(forFree.status);
    expect(forTaken.body).toEqual(forFree.body);
    await t.auth.idle();
    expect(t.mails.length).toBe(before);
    expect(t.mails.some((m) => m.to === holder.email)).toBe(false);
    // The pending change still points at the free address.
    expect((await t.store.findById(user.id))?.pendingEmail).toBe(free);
  });

  it('answers 409 EMAIL_IN_USE when someone takes the address between request and confirm', async () => {
    const { user, newEmail, mail } = await startChange();
    const squatter = await t.createUser({ email: newEmail });
    const res = await confirm(mail.token!);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('EMAIL_IN_USE');
    expect((await t.store.findById(user.id))?.email).toBe(user.email);
    expect((await t.store.findById(squatter.id))?.email).toBe(newEmail);
    expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
  });

  it('refuses the current address as the new one', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await requestChange(accessToken, user.email.toUpperCase());
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });

  it('refuses an unknown confirmation token', async () => {
    const res = await confirm('never-issued-token');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
  });
});
