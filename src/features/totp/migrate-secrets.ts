import { asResolvedConfig } from '../../core/config/resolve';
import type { ResolvedConfig } from '../../core/config/resolved';
import type { AuthConfig } from '../../core/config/types';
import { adaptUserStore } from '../../stores/adapt-user-store';
import type { BaseUser, IUserStore } from '../../stores/user';
import { TotpSecretBox } from './secret-box';
import { classifyStoredSecret, normalisePlainSecret } from './stored-secret';

/** Options of {@link migrateTotpSecrets}. */
export interface MigrateTotpSecretsOptions {
  /**
   * The configuration the app runs with (`auth.config`, or the `AuthConfig` you pass to
   * `AuthConfigurator`): secrets are sealed under the key derived from its `accessTokenSecret`.
   */
  config: AuthConfig | ResolvedConfig;
  /** Users read per `listUsers` call. Default 200. */
  batchSize?: number;
  /** Count what would change without writing anything. Default false. */
  dryRun?: boolean;
}

/**
 * What {@link migrateTotpSecrets} found, in counts and user ids (never secrets). Every user is
 * counted under exactly one of the fields after `scanned`.
 */
export interface TotpSecretMigrationReport {
  /** Users listed. */
  scanned: number;
  /** Plain secrets sealed now (with `dryRun`: that would be sealed). */
  sealed: number;
  /** Already sealed and readable with this key: left as they were. */
  alreadySealed: number;
  /** No TOTP secret stored. */
  withoutSecret: number;
  /**
   * A plain secret on a user whose TOTP is off: left untouched, since storing a secret through
   * `updateTotpSecret` switches TOTP on. Clear these with `updateTotpSecret(id, null)` if unused.
   */
  inactivePlain: string[];
  /** Sealed, but not readable with this key (another `accessTokenSecret`): left untouched. */
  unreadable: string[];
  /** Neither sealed nor base32 (16+ characters): left untouched. */
  unrecognised: string[];
  /**
   * Plain when listed, changed before the write (sealed by a sign-in, or 2FA switched off):
   * left as they are now.
   */
  changedMeanwhile: string[];
}

const DEFAULT_BATCH = 200;

/**
 * Seals the plain-text TOTP secrets another SDK left in the user store, walking every user
 * through `listUsers`. Safe to run again (sealed values are recognised by their format and
 * skipped) and while the app serves traffic (a sign-in seals the same secret the same way, and
 * each user is read again just before the write).
 */
export async function migrateTotpSecrets<U extends BaseUser>(
  userStore: IUserStore<U>,
  options: MigrateTotpSecretsOptions,
): Promise<TotpSecretMigrationReport> {
  // A reference-shaped `listUsers(limit, offset)` would read `{ limit, offset }` as its limit and
  // answer nobody: the migration would report nothing to do and seal nothing.
  const store = adaptUserStore(userStore);
  if (!store.listUsers || !store.updateTotpSecret) {
    throw new TypeError(
      'migrateTotpSecrets needs a user store with listUsers and updateTotpSecret (see docs/stores.md)',
    );
  }
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError('migrateTotpSecrets: batchSize must be a positive integer');
  }
  const box = new TotpSecretBox(asResolvedConfig(options.config).totpKey);
  const report: TotpSecretMigrationReport = {
    scanned: 0,
    sealed: 0,
    alreadySealed: 0,
    withoutSecret: 0,
    inactivePlain: [],
    unreadable: [],
    unrecognised: [],
    changedMeanwhile: [],
  };
  // Sealing changes no listed field's order, so offset paging visits every user once.
  for (let offset = 0; ; offset += batchSize) {
    const batch = await store.listUsers({ limit: batchSize, offset });
    for (const user of batch) {
      report.scanned += 1;
      const seal = visit(user, box, report);
      if (seal === null || options.dryRun === true) continue;
      // Read again just before writing: a secret cleared meanwhile (2FA switched off) must not
      // come back, since updateTotpSecret switches TOTP on.
      const fresh = await store.findById(user.id);
      if (fresh?.totpSecret === user.totpSecret) {
        await store.updateTotpSecret(user.id, seal);
      } else {
        report.sealed -= 1;
        report.changedMeanwhile.push(user.id);
      }
    }
    if (batch.length < batchSize) return report;
  }
}

/** Sorts one user into the report; returns the sealed value to store, or null for none. */
function visit(
  user: BaseUser,
  box: TotpSecretBox,
  report: TotpSecretMigrationReport,
): string | null {
  const stored = user.totpSecret;
  if (!stored) {
    report.withoutSecret += 1;
    return null;
  }
  switch (classifyStoredSecret(stored)) {
    case 'sealed':
      if (box.open(stored, user.id) === null) report.unreadable.push(user.id);
      else report.alreadySealed += 1;
      return null;
    case 'unrecognised':
      report.unrecognised.push(user.id);
      return null;
    case 'plain':
      if (user.isTotpEnabled !== true) {
        report.inactivePlain.push(user.id);
        return null;
      }
      report.sealed += 1;
      return box.seal(normalisePlainSecret(stored)!, user.id);
  }
}
