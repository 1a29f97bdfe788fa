import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import {
  AuthConfigurator,
  type AuthConfig,
  type AuthEventBus,
  type ISessionStore,
  type IUserStore,
  type RouterOptions,
} from 'keyward';
import { AUTH_ROUTER, AuthController } from './auth.controller';
import { JwtAuthGuard } from './jwt-auth.guard';

/** What {@link AuthModule.forRoot} needs: the same as an `AuthConfigurator`. */
export interface AuthModuleOptions {
  config: AuthConfig;
  userStore: IUserStore;
  /** Device-aware sessions (recommended). */
  sessionStore?: ISessionStore;
  eventBus?: AuthEventBus;
  /**
   * Options of the router behind /auth (profile stores, `onRegister`, CORS, ...). A function
   * receives the configurator, e.g. to hash passwords in `onRegister`.
   */
  router?: RouterOptions | ((auth: AuthConfigurator) => RouterOptions);
}

/**
 * keyward for NestJS: provides the `AuthConfigurator` (inject it anywhere: `auth.userStore`,
 * `auth.passwordService`, `auth.tokenService`) and {@link JwtAuthGuard}, and serves keyward's
 * endpoints under /auth. Global, so feature modules use the guard without importing it.
 *
 * Nest's JSON body parser runs before the router, which then uses the parsed body: Nest's body
 * size limit (100kb by default) applies there instead of the router's `bodyLimit`.
 */
@Module({})
export class AuthModule implements OnApplicationShutdown {
  constructor(@Inject(AuthConfigurator) private readonly auth: AuthConfigurator) {}

  static forRoot(options: AuthModuleOptions): DynamicModule {
    const { config, userStore, sessionStore, eventBus, router } = options;
    return {
      module: AuthModule,
      global: true,
      controllers: [AuthController],
      providers: [
        {
          provide: AuthConfigurator,
          useFactory: () => new AuthConfigurator(config, userStore, { sessionStore, eventBus }),
        },
        {
          provide: AUTH_ROUTER,
          inject: [AuthConfigurator],
          useFactory: (auth: AuthConfigurator) =>
            auth.router(typeof router === 'function' ? router(auth) : router),
        },
        JwtAuthGuard,
      ],
      exports: [AuthConfigurator, JwtAuthGuard],
    };
  }

  /** Stops the password worker threads on `app.close()` (or a signal, with shutdown hooks on). */
  async onApplicationShutdown(): Promise<void> {
    await this.auth.close();
  }
}
