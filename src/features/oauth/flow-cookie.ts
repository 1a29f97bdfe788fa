import type { KeyObject } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { readCookie } from '../../core/http/cookies';
import type { FlowSecrets } from './protocol';
import type { ResolvedOAuthSettings } from './settings';

/** An authorization request in progress has this long to come back. */
export const FLOW_TTL_SECONDS = 10 * 60;

/** What the browser carries between `/oauth/:name` and its callback. */
export interface OAuthFlow extends FlowSecrets {
  /** The strategy that started the flow (mix-up defence). */
  provider: string;
  /** Where to send the browser afterwards, already checked against the allowed origins. */
  returnTo?: string;
  /** The `email.siteUrl` entry the flow was started for (checked again at the callback). */
  site?: string;
  /** Seconds since the epoch. */
  exp: number;
}

const ALGORITHM = 'HS256';
const VERIFY_OPTIONS: jwt.VerifyOptions & { complete?: false } = { algorithms: [ALGORITHM] };
const TYP = 'keyward-oauth-flow';

/**
 * One strategy's flow cookie: state, PKCE verifier, nonce and provider, signed (HS256, pinned),
 * HttpOnly, scoped to the strategy's callback path and named after the strategy, so two
 * sign-ins in two tabs do not overwrite each other. Built once per strategy with the router.
 */
export class FlowCookie {
  readonly name: string;
  private readonly provider: string;
  private readonly attributes: CookieOptions;

  constructor(
    private readonly key: KeyObject,
    settings: ResolvedOAuthSettings,
  ) {
    this.provider = settings.name;
    this.name = `keyward-oauth-${settings.name}`;
    const https = settings.callbackUrl.protocol === 'https:';
    // A provider answering with response_mode=form_post comes back with a cross-site POST, which
    // carries only SameSite=None cookies, and browsers keep those only when Secure (HTTPS).
    const crossSitePost = settings.responseMode === 'form_post' && https;
    this.attributes = Object.freeze({
      httpOnly: true,
      secure: https,
      sameSite: crossSitePost ? 'none' : 'lax',
      path: settings.callbackUrl.pathname,
    });
  }

  set(res: Response, flow: Omit<OAuthFlow, 'exp' | 'provider'>): void {
    const token = jwt.sign({ ...flow, provider: this.provider, typ: TYP }, this.key, {
      algorithm: ALGORITHM,
      expiresIn: FLOW_TTL_SECONDS,
    });
    res.cookie(this.name, token, { ...this.attributes, maxAge: FLOW_TTL_SECONDS * 1000 });
  }

  /** Clears the cookie: whatever the callback's outcome, a flow is never resumed twice. */
  clear(res: Response): void {
    res.clearCookie(this.name, this.attributes);
  }

  /** The flow this browser started at this provider, or null (missing, forged, expired, other provider). */
  read(req: Request, res: Response): OAuthFlow | null {
    const token = readCookie(req, res, this.name);
    if (!token) return null;
    let claims: unknown;
    try {
      claims = jwt.verify(token, this.key, VERIFY_OPTIONS);
    } catch {
      return null;
    }
    const c = claims as Partial<OAuthFlow> & { typ?: unknown };
    if (
      c.typ !== TYP ||
      c.provider !== this.provider ||
      typeof c.state !== 'string' ||
      typeof c.codeVerifier !== 'string' ||
      typeof c.exp !== 'number'
    ) {
      return null;
    }
    return {
      provider: c.provider,
      state: c.state,
      codeVerifier: c.codeVerifier,
      exp: c.exp,
      ...(typeof c.nonce === 'string' ? { nonce: c.nonce } : {}),
      ...(typeof c.returnTo === 'string' ? { returnTo: c.returnTo } : {}),
      ...(typeof c.site === 'string' ? { site: c.site } : {}),
    };
  }
}
