/** keyward demo: `npm start`, then open http://localhost:3000. */
import { join } from 'node:path';
import { createDemoApp } from './app';
import { loadSecrets } from './secrets';
import { openDemoStores } from './stores';

const port = Number(process.env.PORT ?? 3000);
const siteUrl = process.env.SITE_URL ?? `http://localhost:${port}`;
const dataDir = join(process.cwd(), 'data');

async function main() {
  const secrets = loadSecrets(dataDir);
  const { stores, description } = await openDemoStores(process.env.DATABASE_URL, dataDir);
  const { app } = createDemoApp(siteUrl, secrets, stores);
  app.listen(port, '127.0.0.1', () => {
    console.log(`\nkeyward demo running (data: ${description}):
  page            ${siteUrl}/
  auth endpoints  ${siteUrl}/auth  (POST /auth/register, /auth/login, GET /auth/me, ...)
  protected route ${siteUrl}/api/profile
Stop with Ctrl+C.\n`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
