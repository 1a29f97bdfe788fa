/** Policy an administrator can change at run time without a redeploy. */
export interface AuthSettings {
  /** Overrides `AuthConfig.emailVerificationMode` while set. */
  emailVerificationMode?: 'none' | 'lazy' | 'strict';
  /** Require a second factor for every user. */
  require2FA?: boolean;
  [key: string]: unknown;
}

/** Persists {@link AuthSettings}; the admin Control tab writes it. */
export interface ISettingsStore {
  getSettings(): Promise<AuthSettings>;
  updateSettings(settings: Partial<AuthSettings>): Promise<void>;
}
