import type { ResolvedConfig } from '../core/config/resolved';
import type { WelcomeMailData } from '../core/config/types';
import { AuthError } from '../core/errors';
import { MailerService } from './mailer-service';

type MailKind =
  | 'sendPasswordReset'
  | 'sendMagicLink'
  | 'sendWelcome'
  | 'sendVerificationEmail'
  | 'sendEmailChanged';

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
    return this.config.email[kind] !== undefined || this.mailer !== undefined;
  }

  passwordReset(to: string, token: string, link: string, lang?: string) {
    return this.run('sendPasswordReset', () =>
      (this.config.email.sendPasswordReset ?? this.need().sendPasswordReset.bind(this.mailer))(
        to,
        token,
        link,
        lang,
      ),
    );
  }
  verification(to: string, token: string, link: string, lang?: string) {
    return this.run('sendVerificationEmail', () =>
      (
        this.config.email.sendVerificationEmail ??
        this.need().sendVerificationEmail.bind(this.mailer)
      )(to, token, link, lang),
    );
  }
  welcome(to: string, data: WelcomeMailData, lang?: string) {
    return this.run('sendWelcome', () =>
      (this.config.email.sendWelcome ?? this.need().sendWelcome.bind(this.mailer))(to, data, lang),
    );
  }
  emailChanged(to: string, newEmail: string, lang?: string) {
    return this.run('sendEmailChanged', () =>
      (this.config.email.sendEmailChanged ?? this.need().sendEmailChanged.bind(this.mailer))(
        to,
        newEmail,
        lang,
      ),
    );
  }
  magicLink(to: string, token: string, link: string, lang?: string) {
    return this.run('sendMagicLink', () =>
      (this.config.email.sendMagicLink ?? this.need().sendMagicLink.bind(this.mailer))(
        to,
        token,
        link,
        lang,
      ),
    );
  }

  private need(): MailerService {
    if (!this.mailer) {
      throw new AuthError('Email sending is not configured', 'MAIL_NOT_CONFIGURED', 501);
    }
    return this.mailer;
  }

  private async run(kind: MailKind, send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (err) {
      this.config.logger.error(`${kind} failed`, err);
      if (err instanceof AuthError) throw err;
      throw new AuthError('Mail delivery failed', 'MAIL_DELIVERY_FAILED', 502);
    }
  }
}
