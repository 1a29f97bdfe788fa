import { escapeHtml, linkMail, type MailTemplates } from './types';

export const it: MailTemplates = {
  passwordReset: (link) =>
    linkMail(
      'Reimposta la password',
      'È stato chiesto di reimpostare la password del tuo account. Se sei stato tu, scegline una nuova:',
      'Scegli una nuova password',
      link,
      "Il link funziona una sola volta e scade tra 1 ora. Se non l'hai chiesto tu, ignora questa email.",
    ),
  magicLink: (link) =>
    linkMail(
      'Il tuo link di accesso',
      'Usa questo link per accedere:',
      'Accedi',
      link,
      "Il link funziona una sola volta e scade tra 15 minuti. Se non l'hai chiesto tu, ignora questa email.",
    ),
  accountLink: (link) =>
    linkMail(
      'Conferma il collegamento',
      'Dal tuo account è stato chiesto di collegarvi questo indirizzo. Se sei stato tu, conferma:',
      'Collega questo indirizzo',
      link,
      "Il link funziona una sola volta e scade tra 1 ora. Se non l'hai chiesto tu, ignora questa email.",
    ),
  verifyEmail: (link) =>
    linkMail(
      'Conferma il tuo indirizzo email',
      'Conferma che questo indirizzo ti appartiene:',
      'Conferma email',
      link,
      'Il link scade tra 24 ore.',
    ),
  welcome: (data) => {
    const greeting = data.firstName ? `Benvenuto, ${data.firstName}!` : 'Benvenuto!';
    const temp = data.tempPassword
      ? `\n\nLa tua password temporanea è: ${data.tempPassword} (cambiala dopo l'accesso).`
      : '';
    return {
      subject: 'Benvenuto',
      html:
        `<p>${escapeHtml(greeting)} Il tuo account è pronto.</p>` +
        (data.tempPassword
          ? `<p>La tua password temporanea è: <code>${escapeHtml(data.tempPassword)}</code> (cambiala dopo l'accesso).</p>`
          : '') +
        `<p><a href="${escapeHtml(data.loginUrl)}">Accedi</a></p>`,
      text: `${greeting} Il tuo account è pronto.${temp}\n\nAccedi: ${data.loginUrl}`,
    };
  },
  recoveryCodeUsed: ({ remaining }) => {
    const text =
      `Un codice di recupero è stato appena usato per accedere al tuo account; ne restano ${remaining} non usati. ` +
      'Se non sei stato tu, cambia subito la password e genera nuovi codici di recupero.';
    return {
      subject: 'È stato usato un codice di recupero',
      html: `<p>${escapeHtml(text)}</p>`,
      text,
    };
  },
  emailChanged: (newEmail) => ({
    subject: 'Il tuo indirizzo email è stato cambiato',
    html: `<p>L'indirizzo email del tuo account è stato cambiato in <b>${escapeHtml(newEmail)}</b>.</p><p>Se non sei stato tu, contatta subito l'assistenza.</p>`,
    text: `L'indirizzo email del tuo account è stato cambiato in ${newEmail}.\n\nSe non sei stato tu, contatta subito l'assistenza.`,
  }),
};
