// Shared set-up of the admin API suites (test/admin/api-*.test.ts): a real Express app with
// the admin router mounted at /admin over in-memory stores, and its events recorded.
import express, { type Express } from 'express';
import request from 'supertest';
import {
  AuthEventBus,
  buildAdminOpenApiSpec,
  createAdminRouter,
  type AdminRouterOptions,
  type AuthEventPayload,
  type IUserStore,
} from 'keyward';
import { recordResponses, type SpecDocument } from '../helpers/openapi-check';
import { createAdminStores, type AdminStores } from './admin-stores';

/** Every part of the admin API; a router that serves no spec is checked against their spec. */
export const EVERY_ADMIN_PART = {
  users: true,
  deleteUser: true,
  sessions: true,
  roles: true,
  tenants: true,
  metadata: true,
  settings: true,
  linkedAccounts: true,
  apiKeys: true,
  apiKeyUsage: true,
  webhooks: true,
  webhookDeliveries: true,
  events: true,
  webhookActions: true,
  sessionStore: true,
  apiKeyStore: true,
  webhookStore: true,
};

export const ADMIN_SECRET = 'admin-secret-for-the-tests-0123456789';

export interface AdminFixture extends AdminStores {
  app: Express;
  events: AuthEventPayload[];
  /** Events of one name, in order. */
  eventsNamed(name: string): AuthEventPayload[];
  /** Requests to /admin/api/<path> carrying the admin secret. */
  api: {
    get(path: string): request.Test;
    post(path: string): request.Test;
    put(path: string): request.Test;
    patch(path: string): request.Test;
    delete(path: string): request.Test;
  };
}

/** Every store configured unless `options` says otherwise. */
export function createAdminFixture(
  options: Partial<AdminRouterOptions> = {},
  userStore?: IUserStore,
): AdminFixture {
  const { users, ...stores } = createAdminStores();
  const eventBus = new AuthEventBus();
  const events: AuthEventPayload[] = [];
  eventBus.onEvent('*', (e) => {
    events.push(e);
  });
  const app = express();
  // Every answer under /admin/api is checked against the admin router's OpenAPI document.
  app.use(
    recordResponses(
      app,
      '/admin/api',
      () => buildAdminOpenApiSpec(EVERY_ADMIN_PART) as SpecDocument,
    ),
  );
  app.use(
    '/admin',
    createAdminRouter(userStore ?? users, {
      adminSecret: ADMIN_SECRET,
      eventBus,
      ...stores,
      ...options,
    }),
  );
  const authed = (test: request.Test) => test.set('Authorization', `Bearer ${ADMIN_SECRET}`);
  return {
    app,
    users,
    ...stores,
    events,
    eventsNamed: (name) => events.filter((e) => e.event === name),
    api: {
      get: (path) => authed(request(app).get(`/admin/api${path}`)),
      post: (path) => authed(request(app).post(`/admin/api${path}`)),
      put: (path) => authed(request(app).put(`/admin/api${path}`)),
      patch: (path) => authed(request(app).patch(`/admin/api${path}`)),
      delete: (path) => authed(request(app).delete(`/admin/api${path}`)),
    },
  };
}

export { SECRET_FIELDS } from '../helpers/secret-fields';
