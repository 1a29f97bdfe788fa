/** Policy an administrator can change at run time without a redeploy. */
export interface AuthSettings {
  /** Overrides `AuthConfig.emailVerificationMode` while set. */
  emailVerificationMode?: 'none' | 'lazy' | 'strict';
  /** Require a second factor for every user. */
  require2FA?: boolean;
  /**
   * Inbound webhooks: the action ids enabled for every webhook script. An action a webhook
   * allows is still withheld from its script until it is enabled here.
   */
  enabledWebhookActions?: string[];
  [key: string]: unknown;
}

/** Persists {@link AuthSettings}; the admin Control tab writes it. */
export interface ISettingsStore {
  getSettings(): Promise<AuthSettings>;
  updateSettings(settings: Partial<AuthSettings>): Promise<void>;
}
