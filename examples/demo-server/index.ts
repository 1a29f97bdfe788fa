/** keyward demo: `npm start`, then open http://localhost:3000. */
import { createDemoApp } from './app';

const port = Number(process.env.PORT ?? 3000);
const siteUrl = process.env.SITE_URL ?? `http://localhost:${port}`;
const { app } = createDemoApp(siteUrl);

app.listen(port, '127.0.0.1', () => {
  console.log(`\nkeyward demo running:
  page            ${siteUrl}/
  auth endpoints  ${siteUrl}/auth  (POST /auth/register, /auth/login, GET /auth/me, ...)
  protected route ${siteUrl}/api/profile
Stop with Ctrl+C.\n`);
});
