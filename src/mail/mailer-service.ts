import type { RecoveryCodeUsedMailData, WelcomeMailData } from '../core/config/types';
import { AuthError } from '../core/errors';
import type { MailerConfig, MailLang } from '../core/config/mailer-config';
import { en } from './templates/en';
import { it } from './templates/it';
import type { MailTemplates, RenderedMail } from './templates/types';

const TEMPLATES: Record<MailLang, MailTemplates> = { en, it };

/**
 * Sends keyward's transactional mail through an HTTP endpoint (no SMTP): one JSON POST per
 * message with the X-API-Key header. Built-in templates in English and Italian.
 */
export class MailerService {
  constructor(private readonly config: MailerConfig) {}

  sendPasswordReset(to: string, _token: string, link: string, lang?: string): Promise<void> {
    return this.send(to, this.templates(lang).passwordReset(link));
  }
  sendMagicLink(to: string, _token: string, link: string, lang?: string): Promise<void> {
    return this.send(to, this.templates(lang).magicLink(link));
  }
  sendWelcome(to: string, data: WelcomeMailData, lang?: string): Promise<void> {
    return this.send(to, this.templates(lang).welcome(data));
  }
  sendVerificationEmail(to: string, _token: string, link: string, lang?: string): Promise<void> {
    return this.send(to, this.templates(lang).verifyEmail(link));
  }
  sendEmailChanged(to: string, newEmail: string, lang?: string): Promise<void> {
    return this.send(to, this.templates(lang).emailChanged(newEmail));
  }
  sendAccountLink(to: string, _token: string, link: string, lang?: string): Promise<void> {
    return this.send(to, this.templates(lang).accountLink(link));
  }
  sendRecoveryCodeUsed(to: string, data: RecoveryCodeUsedMailData, lang?: string): Promise<void> {
    return this.send(to, this.templates(lang).recoveryCodeUsed(data));
  }

  /** Posts one message; throws MAIL_DELIVERY_FAILED (502) when the endpoint does not take it. */
  async send(to: string, mail: RenderedMail): Promise<void> {
    const { endpoint, apiKey, from, fromName, provider, timeoutMs = 10_000 } = this.config;
    const body = {
      to,
      from,
      ...(fromName ? { fromName } : {}),
      ...(provider ? { provider } : {}),
      ...mail,
    };
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-API-Key': apiKey },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new AuthError(`Mail delivery failed: ${describe(err)}`, 'MAIL_DELIVERY_FAILED', 502);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AuthError(
        `Mail delivery failed: the mail endpoint answered ${response.status}`,
        'MAIL_DELIVERY_FAILED',
        502,
      );
    }
    await response.body?.cancel();
  }

  private templates(lang?: string): MailTemplates {
    return TEMPLATES[lang as MailLang] ?? TEMPLATES[this.config.defaultLang ?? 'en'];
  }
}

function describe(err: unknown): string {
  // Checked by name: the abort error may come from another realm, where instanceof fails.
  if ((err as { name?: unknown } | null)?.name === 'TimeoutError')
    return 'the mail endpoint timed out';
  return 'the mail endpoint could not be reached';
}
