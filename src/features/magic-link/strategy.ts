import { asResolvedConfig } from '../../core/config/resolve';
import type { ResolvedConfig } from '../../core/config/resolved';
import type { AuthConfig } from '../../core/config/types';
import { AuthError } from '../../core/errors';
import { KeyedMutex } from '../../core/mutex';
import { MailDispatcher } from '../../mail/mail-dispatcher';
import type { BaseUser, IUserStore } from '../../stores/user';
import {
  consumeMagicLinkToken,
  mailMagicLink,
  markEmailVerified,
  supportsMagicLinks,
  type MagicLinkStore,
} from './token';

/** Options of {@link MagicLinkStrategy.sendMagicLink}. */
export interface SendMagicLinkOptions {
  /** Language of the built-in mail template (the mailer's `defaultLang` otherwise). */
  lang?: string;
  /** Where the link points (scheme and host); default `config.email.siteUrl`. */
  linkBase?: string;
}

/**
 * Passwordless sign-in by email, for use without the router. `sendMagicLink` mails a link
 * valid for 15 minutes to a registered address (and does nothing, silently, for an unknown
 * one); `verify` spends the link's token once and returns its user, whose email then counts as
 * verified. Only the token's SHA-256 is stored; a newer link replaces the older one.
 */
export class MagicLinkStrategy {
  readonly name = 'magic-link';
  private readonly mutex = new KeyedMutex();

  async sendMagicLink<U extends BaseUser>(
    email: string,
    userStore: IUserStore<U>,
    config: AuthConfig | ResolvedConfig,
    options: SendMagicLinkOptions = {},
  ): Promise<void> {
    const users = requireSupport(userStore);
    const resolved = asResolvedConfig(config);
    const mail = new MailDispatcher(resolved);
    const base = (options.linkBase ?? resolved.email.siteUrl)?.replace(/\/+$/, '');
    if (!mail.canSend('sendMagicLink') || !base) {
      throw new AuthError(
        'Magic links need email.sendMagicLink or email.mailer, and email.siteUrl',
        'MAIL_NOT_CONFIGURED',
        501,
      );
    }
    const user = await users.findByEmail(email);
    if (!user) return;
    const path = resolved.email.linkPaths.magicLink;
    await mailMagicLink(mail, users, user, { base, path, lang: options.lang });
  }

  /** The link's user; throws 400 INVALID_OR_EXPIRED_TOKEN for an unknown, spent or old token. */
  async verify<U extends BaseUser>(token: string, userStore: IUserStore<U>): Promise<U> {
    const users = requireSupport(userStore);
    const user = await consumeMagicLinkToken({ oneTime: this.mutex }, users, token);
    return (await markEmailVerified(users, user)).user;
  }
}

function requireSupport<U extends BaseUser>(users: IUserStore<U>): MagicLinkStore<U> {
  if (!supportsMagicLinks(users)) {
    throw new AuthError(
      'The user store does not implement updateMagicLinkToken and findByMagicLinkToken',
      'NOT_SUPPORTED',
      501,
    );
  }
  return users;
}
