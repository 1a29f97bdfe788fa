import type { Express } from 'express';
import request from 'supertest';
import { generateSync } from 'otplib';
import type { BaseUser } from 'keyward';
import { PASSWORD, bearerLogin, sleep, type TestApp } from './app';

/** RFC 6238 time step length, as authenticator apps use it. */
export const STEP_SECONDS = 30;

/** The time step (counter) of `epochMs` (default now). */
export function stepAt(epochMs = Date.now()): number {
  return Math.floor(epochMs / 1000 / STEP_SECONDS);
}

/** The code an authenticator app shows for `secret` during time step `step`. */
export function codeForStep(secret: string, step: number): string {
  return generateSync({ secret, epoch: step * STEP_SECONDS });
}

/**
 * Waits into the next time step when fewer than `marginMs` remain in this one, so a test's
 * codes are judged in the step they were computed for (no flake at a step edge).
 */
export async function awayFromStepEdge(marginMs = 8000): Promise<void> {
  const left = STEP_SECONDS * 1000 - (Date.now() % (STEP_SECONDS * 1000));
  if (left < marginMs) await sleep(left + 50);
}

/** A user with TOTP switched on through the endpoints, as a front-end would do it. */
export interface Enrolled {
  user: BaseUser;
  /** The base32 secret /2fa/setup returned (what the authenticator app holds). */
  secret: string;
  accessToken: string;
  recoveryCodes: string[];
  /**
   * The time step current at enrolment. Enrolment used the code of `step - 1` (one step of
   * drift), so `step` and `step + 1` are still unused and accepted for the next ~30 s.
   */
  step: number;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Creates a user, signs in, and enables TOTP with /2fa/setup and /2fa/verify-setup. */
export async function enrol(t: TestApp, data: Partial<BaseUser> = {}): Promise<Enrolled> {
  await awayFromStepEdge();
  const user = await t.createUser(data);
  const { accessToken } = await bearerLogin(t.app, user.email);
  const setup = await request(t.app).post('/auth/2fa/setup').set(bearer(accessToken));
  if (setup.status !== 200) throw new Error(`setup: ${setup.status} ${setup.text}`);
  const secret = setup.body.secret as string;
  const step = stepAt();
  const confirm = await request(t.app)
    .post('/auth/2fa/verify-setup')
    .set(bearer(accessToken))
    .send({ token: codeForStep(secret, step - 1), secret });
  if (confirm.status !== 200) throw new Error(`verify-setup: ${confirm.status} ${confirm.text}`);
  return { user, secret, accessToken, recoveryCodes: confirm.body.recoveryCodes, step };
}

/** POST /auth/login that must answer with a 2FA challenge; returns its temporary token. */
export async function challenge(app: Express, email: string, password = PASSWORD): Promise<string> {
  const res = await request(app).post('/auth/login').send({ email, password });
  if (res.status !== 200 || res.body.requiresTwoFactor !== true) {
    throw new Error(`expected a 2FA challenge: ${res.status} ${res.text}`);
  }
  return res.body.tempToken as string;
}
