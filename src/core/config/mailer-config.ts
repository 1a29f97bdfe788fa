/** Languages of the built-in templates. */
export type MailLang = 'en' | 'it';

/** The HTTP mail transport: a JSON POST per message to your mail API. */
export interface MailerConfig {
  /** Receives `{ to, from, fromName?, provider?, subject, html, text }` as JSON. */
  endpoint: string;
  /** Sent as the X-API-Key header. */
  apiKey: string;
  from: string;
  fromName?: string;
  /** Forwarded as-is, for proxies that front several providers. */
  provider?: string;
  /** Default `'en'`. */
  defaultLang?: MailLang;
  /** Default 10000. */
  timeoutMs?: number;
}
