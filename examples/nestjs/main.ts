/**
 * keyward in a NestJS app.
 *
 *   npx tsx examples/nestjs/main.ts
 *
 * Serves keyward's endpoints under /auth (POST /auth/register, /auth/login, /auth/refresh,
 * /auth/logout, GET /auth/me, ...) and a guarded GET /profile on PORT (default 3000). Users
 * and sessions live in memory here; for a database, pass the stores of `createSqlStores` from
 * keyward/sql instead (see ../postgres-app). Set ACCESS_TOKEN_SECRET and REFRESH_TOKEN_SECRET
 * outside development (see ../shared/setup.ts).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { InMemorySessionStore, InMemoryUserStore } from 'keyward';
import { readSecrets, registerWithPassword } from '../shared/setup';
import { AppModule } from './app.module';

async function main() {
  const app = await NestFactory.create(
    AppModule.forRoot({
      config: { ...readSecrets(), csrf: { enabled: true } },
      userStore: new InMemoryUserStore(),
      sessionStore: new InMemorySessionStore(),
      router: (auth) => ({ onRegister: registerWithPassword(auth) }),
    }),
  );
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  console.log(`Listening on http://localhost:${port} (auth endpoints under /auth)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
