import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts TOTP secrets at rest with AES-256-GCM under `ResolvedConfig.totpKey` (HKDF from
 * `accessTokenSecret`). A database dump alone then yields no secret that could mint codes.
 * The user id is bound in as associated data, so a sealed secret copied onto another user's
 * record does not open. Format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
export class TotpSecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('TotpSecretBox needs a 32-byte key');
  }

  seal(secret: string, userId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(aad(userId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, iv, body, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /**
   * The plain secret, or null when `sealed` is not ours or does not authenticate (another key,
   * another user, tampering).
   */
  open(sealed: string, userId: string): string | null {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return null;
    const [iv, body, tag] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
    if (iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !body) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(userId));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

function aad(userId: string): Buffer {
  return Buffer.from(`keyward totp-secret ${userId}`, 'utf8');
}
