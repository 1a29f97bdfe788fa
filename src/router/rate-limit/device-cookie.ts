import type { Request, Response } from 'express';
import type { ResolvedConfig } from '../../core/config/resolved';
import { readCookie } from '../../core/http/cookies';
import { constantTimeEqual, deriveKey, generateToken, hmac } from '../../core/secrets';

/**
 * OWASP "device cookies": after a successful sign-in the browser gets a signed, HttpOnly cookie
 * naming a random device id and bound to that account. Attempts carrying it count on their own
 * per-device counter instead of the account-wide one, so a stranger who fails on purpose cannot
 * lock the owner's browser out. The binding is in the signature only (HMAC over id and
 * account): the cookie does not reveal the account, and a cookie earned on one account is
 * worthless for another.
 */
export class DeviceCookies {
  private readonly key: Buffer;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly name: string,
    private readonly maxAgeMs: number,
  ) {
    this.key = deriveKey(config.source.accessTokenSecret, 'keyward device-cookie v1');
  }

  /** The device id when the request carries a valid cookie for `account`, else undefined. */
  recognise(req: Request, res: Response, account: string): string | undefined {
    const value = readCookie(req, res, this.name);
    const dot = value?.indexOf('.') ?? -1;
    if (!value || dot <= 0) return undefined;
    const id = value.slice(0, dot);
    return constantTimeEqual(value.slice(dot + 1), this.sign(id, account)) ? id : undefined;
  }

  /** Sets a fresh cookie for `account` (called while the success's headers are written). */
  issue(res: Response, account: string): void {
    const id = generateToken(16);
    const { secure, sameSite, domain } = this.config.cookies;
    res.cookie(this.name, `${id}.${this.sign(id, account)}`, {
      httpOnly: true,
      secure,
      sameSite,
      ...(domain && !this.name.startsWith('__Host-') ? { domain } : {}),
      path: '/',
      maxAge: this.maxAgeMs,
    });
  }

  private sign(id: string, account: string): string {
    return hmac(this.key, `${id}\0${account}`);
  }
}
