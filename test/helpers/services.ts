import { randomBytes } from 'node:crypto';

/** The external services some tests need, and the variables that point at them. */
export const SERVICES = {
  postgres: 'KEYWARD_PG_URL',
  mysql: 'KEYWARD_MYSQL_URL',
  redis: 'KEYWARD_REDIS_URL',
} as const;

export type ServiceName = keyof typeof SERVICES;

const PLACEHOLDER_URLS: Record<ServiceName, string> = {
  postgres: 'postgres://postgres@127.0.0.1:1/unset',
  mysql: 'mysql://root@127.0.0.1:1/unset',
  redis: 'redis://127.0.0.1:1/0',
};

/** The service's URL, or undefined (after a loud warning) when its variable is not set. */
export function serviceUrl(service: ServiceName): string | undefined {
  const url = process.env[SERVICES[service]];
  if (!url) {
    console.warn(
      `\n!!! ${SERVICES[service]} is not set: SKIPPING the ${service} tests of this file.\n` +
        `!!! .ci/run sets it; to run them locally see docs/persistence.md (running the service tests).\n`,
    );
  }
  return url;
}

/**
 * `describe` when the service is configured; otherwise the block is skipped (with the warning
 * above), so a developer without the service still gets a green local run. CI sets every URL.
 */
export function describeWithService(
  service: ServiceName,
  name: string,
  body: (url: string) => void,
): void {
  const url = serviceUrl(service);
  if (url) describe(name, () => body(url));
  // The skipped block is still declared, so it gets a syntactically valid URL nothing listens on.
  else describe.skip(`${name} (no ${SERVICES[service]})`, () => body(PLACEHOLDER_URLS[service]));
}

/** A table/key prefix unique to this test run, so runs never collide and can repeat. */
export function uniquePrefix(base = 'kwt'): string {
  return `${base}_${randomBytes(4).toString('hex')}_`;
}
