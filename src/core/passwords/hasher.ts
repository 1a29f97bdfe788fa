/** Turns passwords into stored hashes and checks them. Swap in argon2id or a KMS-backed one. */
export interface PasswordHasher {
  hash(password: string, cost?: number): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Releases threads or connections, if any. */
  close?(): Promise<void>;
}
