import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, type AuthModuleOptions } from './auth/auth.module';
import { ProfileController } from './profile.controller';

/** The example app: keyward under /auth and a protected /profile. */
@Module({})
export class AppModule {
  static forRoot(auth: AuthModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [AuthModule.forRoot(auth)],
      controllers: [ProfileController],
    };
  }
}
