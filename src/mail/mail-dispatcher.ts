import type { ResolvedConfig } from '../core/config/resolved';
import type { EmailConfig } from '../core/config/types';
import { AuthError } from '../core/errors';
import { MailerService } from './mailer-service';

/** The messages keyward sends; each is both an `email.*` callback and a MailerService method. */
export type MailKind =
  | 'sendPasswordReset'
  | 'sendMagicLink'
  | 'sendWelcome'
  | 'sendVerificationEmail'
  | 'sendEmailChanged'
  | 'sendAccountLink'
  | 'sendRecoveryCodeUsed';

/**
 * Kinds without a callback of their own use another one's. The account-link mail goes through
 * `email.sendVerificationEmail` (it, too, proves an address), so apps with callbacks need none
 * extra; the mailer has a dedicated template for it.
 */
const CALLBACK_OF = { sendAccountLink: 'sendVerificationEmail' } as const;
type CallbackKind<K extends MailKind> = K extends keyof typeof CALLBACK_OF
  ? (typeof CALLBACK_OF)[K]
  : K;

type MailArgs<K extends MailKind> = Parameters<NonNullable<EmailConfig[CallbackKind<K>]>>;

function callbackKind<K extends MailKind>(kind: K): CallbackKind<K> {
  return ((CALLBACK_OF as Partial<Record<MailKind, string>>)[kind] ?? kind) as CallbackKind<K>;
}

/**
 * Picks, per message, the app's callback (`email.sendX`) or else the HTTP mailer, and turns any
 * failure into MAIL_DELIVERY_FAILED after logging it. Routes decide whether to report it.
 */
export class MailDispatcher {
  private readonly mailer: MailerService | undefined;

  constructor(private readonly config: ResolvedConfig) {
    this.mailer = config.email.mailer ? new MailerService(config.email.mailer) : undefined;
  }

  /** True when `kind` can be sent (a callback or the mailer is configured). */
  canSend(kind: MailKind): boolean {
    return this.config.email[callbackKind(kind)] !== undefined || this.mailer !== undefined;
  }

  /** Sends one message through the callback if the app gave one, else through the mailer. */
  async send<K extends MailKind>(kind: K, ...args: MailArgs<K>): Promise<void> {
    const callback = this.config.email[callbackKind(kind)] as
      ((...a: MailArgs<K>) => Promise<void>) | undefined;
    const mailer = this.mailer;
    if (!callback && !mailer) {
      throw new AuthError('Email sending is not configured', 'MAIL_NOT_CONFIGURED', 501);
    }
    try {
      if (callback) await callback(...args);
      else await (mailer![kind] as (...a: MailArgs<K>) => Promise<void>).apply(mailer, args);
    } catch (err) {
      this.config.logger.error(`${kind} failed`, err);
      if (err instanceof AuthError) throw err;
      throw new AuthError('Mail delivery failed', 'MAIL_DELIVERY_FAILED', 502);
    }
  }
}
