import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoSecrets } from './app';

/**
 * The signing secrets from ACCESS_TOKEN_SECRET / REFRESH_TOKEN_SECRET, or else development
 * secrets generated once and kept in the data folder (so sessions survive a restart), with a
 * loud warning: never run like this in production.
 */
export function loadSecrets(dataDir: string): DemoSecrets {
  const fromEnv = {
    accessTokenSecret: process.env.ACCESS_TOKEN_SECRET,
    refreshTokenSecret: process.env.REFRESH_TOKEN_SECRET,
  };
  if (fromEnv.accessTokenSecret && fromEnv.refreshTokenSecret) return fromEnv as DemoSecrets;

  const file = join(dataDir, 'dev-secrets.json');
  let secrets: DemoSecrets;
  if (existsSync(file)) {
    secrets = JSON.parse(readFileSync(file, 'utf8')) as DemoSecrets;
  } else {
    secrets = {
      accessTokenSecret: randomBytes(48).toString('base64url'),
      refreshTokenSecret: randomBytes(48).toString('base64url'),
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  console.warn(
    `\n  !!  ACCESS_TOKEN_SECRET / REFRESH_TOKEN_SECRET are not set: using development secrets\n` +
      `  !!  from ${file}. Never run like this in production.\n`,
  );
  return secrets;
}
