/** Turns passwords into stored hashes and checks them. Swap in a KMS-backed one, say. */
export interface PasswordHasher {
  hash(password: string, cost?: number): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /**
   * True when a stored hash was made with another scheme or parameters than `hash` uses now;
   * keyward then replaces it after the next successful login. Without it, hashes are kept.
   */
  needsRehash?(hash: string): boolean;
  /** Releases threads or connections, if any. */
  close?(): Promise<void>;
}
