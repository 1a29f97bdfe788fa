import { escapeHtml, linkMail, type MailTemplates } from './types';

export const en: MailTemplates = {
  passwordReset: (link) =>
    linkMail(
      'Reset your password',
      'Someone asked to reset the password of your account. If it was you, choose a new one:',
      'Choose a new password',
      link,
      'The link works once and expires in 1 hour. If you did not ask for this, ignore this mail.',
    ),
  magicLink: (link) =>
    linkMail(
      'Your sign-in link',
      'Use this link to sign in:',
      'Sign in',
      link,
      'The link works once and expires in 15 minutes. If you did not ask for it, ignore this mail.',
    ),
  accountLink: (link) =>
    linkMail(
      'Confirm the account link',
      'Someone signed in to your account asked to link this address to it. If it was you, confirm:',
      'Link this address',
      link,
      'The link works once and expires in 1 hour. If you did not ask for this, ignore this mail.',
    ),
  verifyEmail: (link) =>
    linkMail(
      'Confirm your email address',
      'Please confirm that this address belongs to you:',
      'Confirm email',
      link,
      'The link expires in 24 hours.',
    ),
  welcome: (data) => {
    const greeting = data.firstName ? `Welcome, ${data.firstName}!` : 'Welcome!';
    const temp = data.tempPassword
      ? `\n\nYour temporary password is: ${data.tempPassword} (change it after signing in).`
      : '';
    return {
      subject: 'Welcome',
      html:
        `<p>${escapeHtml(greeting)} Your account is ready.</p>` +
        (data.tempPassword
          ? `<p>Your temporary password is: <code>${escapeHtml(data.tempPassword)}</code> (change it after signing in).</p>`
          : '') +
        `<p><a href="${escapeHtml(data.loginUrl)}">Sign in</a></p>`,
      text: `${greeting} Your account is ready.${temp}\n\nSign in: ${data.loginUrl}`,
    };
  },
  recoveryCodeUsed: ({ remaining }) => {
    const text =
      `A recovery code was just used to sign in to your account; ${remaining} unused codes are left. ` +
      'If it was not you, change your password and generate new recovery codes at once.';
    return {
      subject: 'A recovery code was used',
      html: `<p>${escapeHtml(text)}</p>`,
      text,
    };
  },
  emailChanged: (newEmail) => ({
    subject: 'Your email address was changed',
    html: `<p>The email address of your account was changed to <b>${escapeHtml(newEmail)}</b>.</p><p>If you did not do this, contact support at once.</p>`,
    text: `The email address of your account was changed to ${newEmail}.\n\nIf you did not do this, contact support at once.`,
  }),
};
