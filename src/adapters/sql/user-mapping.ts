import type { Insertable, Selectable } from 'kysely';
import type { BaseUser } from '../../stores/user';
import { fromFlag, fromJson, fromMillis, toFlag, toJson, toMillis } from './codec';
import type { UsersTable } from './schema';

type Kind = 'text' | 'time' | 'flag';
type UserColumn = Exclude<keyof UsersTable, 'seq' | 'extra'>;

/**
 * Every BaseUser field and its column. Derived columns (email_lower, *_lower) and `extra` are
 * computed from these; anything not listed here is an application field kept in `extra`.
 */
const FIELDS: ReadonlyArray<readonly [keyof BaseUser, UserColumn, Kind]> = [
  ['id', 'id', 'text'],
  ['email', 'email', 'text'],
  ['password', 'password', 'text'],
  ['role', 'role', 'text'],
  ['firstName', 'first_name', 'text'],
  ['lastName', 'last_name', 'text'],
  ['loginProvider', 'login_provider', 'text'],
  ['refreshToken', 'refresh_token', 'text'],
  ['refreshTokenExpiry', 'refresh_token_expiry', 'time'],
  ['resetToken', 'reset_token', 'text'],
  ['resetTokenExpiry', 'reset_token_expiry', 'time'],
  ['totpSecret', 'totp_secret', 'text'],
  ['isTotpEnabled', 'is_totp_enabled', 'flag'],
  ['isEmailVerified', 'is_email_verified', 'flag'],
  ['magicLinkToken', 'magic_link_token', 'text'],
  ['magicLinkTokenExpiry', 'magic_link_token_expiry', 'time'],
  ['smsCode', 'sms_code', 'text'],
  ['smsCodeExpiry', 'sms_code_expiry', 'time'],
  ['phoneNumber', 'phone_number', 'text'],
  ['require2FA', 'require_2fa', 'flag'],
  ['emailVerificationToken', 'email_verification_token', 'text'],
  ['emailVerificationTokenExpiry', 'email_verification_token_expiry', 'time'],
  ['emailVerificationDeadline', 'email_verification_deadline', 'time'],
  ['pendingEmail', 'pending_email', 'text'],
  ['emailChangeToken', 'email_change_token', 'text'],
  ['emailChangeTokenExpiry', 'email_change_token_expiry', 'time'],
  ['accountLinkToken', 'account_link_token', 'text'],
  ['accountLinkTokenExpiry', 'account_link_token_expiry', 'time'],
  ['accountLinkPendingEmail', 'account_link_pending_email', 'text'],
  ['accountLinkPendingProvider', 'account_link_pending_provider', 'text'],
  ['providerAccountId', 'provider_account_id', 'text'],
  ['createdAt', 'created_at', 'time'],
];

const KNOWN = new Set<string>(FIELDS.map(([field]) => field));

type Row = Record<string, unknown>;

function toColumn(field: string, kind: Kind, value: unknown): unknown {
  switch (kind) {
    case 'text':
      if (value !== null && typeof value !== 'string') {
        throw new TypeError(`SqlUserStore: ${field} must be a string or null`);
      }
      return value;
    case 'time':
      return toMillis(value as Date | string | number | null);
    case 'flag':
      return toFlag(value as boolean | null);
  }
}

function fromColumn(kind: Kind, value: unknown): unknown {
  switch (kind) {
    case 'text':
      return value ?? null;
    case 'time':
      return fromMillis(value as string | number | bigint | null);
    case 'flag':
      return fromFlag(value as string | number | bigint | null);
  }
}

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : null);

/** Columns for the fields present in `changes` (undefined means "not given", null "clear"). */
export function userColumns(changes: Partial<BaseUser>): Row {
  const row: Row = {};
  const given = changes as Row;
  for (const [field, column, kind] of FIELDS) {
    if (given[field] !== undefined) row[column] = toColumn(field, kind, given[field]);
  }
  if ('email' in row) row.email_lower = lower(row.email);
  if ('first_name' in row) row.first_name_lower = lower(row.first_name);
  if ('last_name' in row) row.last_name_lower = lower(row.last_name);
  return row;
}

/** A complete new row: every column present, so the row maps back exactly like a read. */
export function newUserRow(data: Partial<BaseUser>, id: string): Insertable<UsersTable> {
  const row: Row = {};
  for (const [, column, kind] of FIELDS) row[column] = kind === 'flag' ? 0 : null;
  Object.assign(row, userColumns({ createdAt: new Date(), ...data, id }));
  const extra: Row = {};
  for (const [key, value] of Object.entries(data)) {
    if (!KNOWN.has(key) && value !== undefined) extra[key] = value;
  }
  row.extra = Object.keys(extra).length > 0 ? toJson(extra) : null;
  return row as unknown as Insertable<UsersTable>;
}

/**
 * A row as a user. Nullable fields come back as null (the contract's "cleared"), flags as
 * booleans, instants as Dates; application fields from `extra` never shadow keyward's own.
 */
export function rowToUser<U extends BaseUser>(
  row: Selectable<UsersTable> | Insertable<UsersTable>,
): U {
  const r = row as unknown as Row;
  const user: Row = { ...fromJson<Row>(r.extra as string | null) };
  for (const [field, column, kind] of FIELDS) user[field] = fromColumn(kind, r[column]);
  return user as U;
}
