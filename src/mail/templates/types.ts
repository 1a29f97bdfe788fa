import type { RecoveryCodeUsedMailData, WelcomeMailData } from '../../core/config/types';

/** A rendered message. */
export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** One language's set of built-in messages. */
export interface MailTemplates {
  passwordReset(link: string): RenderedMail;
  magicLink(link: string): RenderedMail;
  welcome(data: WelcomeMailData): RenderedMail;
  verifyEmail(link: string): RenderedMail;
  emailChanged(newEmail: string): RenderedMail;
  /** Confirms linking this address (or a provider account using it) to an existing account. */
  accountLink(link: string): RenderedMail;
  /** Security notice: a recovery code signed in to the account. */
  recoveryCodeUsed(data: RecoveryCodeUsedMailData): RenderedMail;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML bodies and attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** A paragraph of text plus a button-like link, in both HTML and plain text. */
export function linkMail(
  subject: string,
  intro: string,
  action: string,
  link: string,
  outro: string,
): RenderedMail {
  const href = escapeHtml(link);
  return {
    subject,
    html:
      `<p>${escapeHtml(intro)}</p>` +
      `<p><a href="${href}" style="display:inline-block;padding:10px 16px;background:#1f6feb;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(action)}</a></p>` +
      `<p style="color:#555;font-size:13px">${escapeHtml(outro)}<br>${href}</p>`,
    text: `${intro}\n\n${action}: ${link}\n\n${outro}`,
  };
}
