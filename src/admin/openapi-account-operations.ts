import { z } from 'zod';
import { successBody } from '../core/openapi/operation';
import { notFound, ok, type Op } from './openapi-operation';
import {
  linkedAccount,
  page,
  paging,
  ping,
  role,
  session,
  tenant,
  user,
  userTenants,
} from './openapi-schemas';
import { createRoleBody } from './routes/roles';
import { settingsBody } from './routes/settings';
import { createTenantBody, memberBody } from './routes/tenants';
import { assignRoleBody } from './routes/user-relations';

/** The operations on people and their access: users, sessions, roles, tenants, settings. */
export const ACCOUNT_OPERATIONS: Record<string, Op[]> = {
  Admin: [
    {
      method: 'get',
      path: '/ping',
      summary: 'Check the credentials and list the features',
      responses: ok(ping, 'The features.'),
    },
  ],
  Users: [
    {
      when: 'users',
      method: 'get',
      path: '/users',
      summary: 'List users',
      query: paging,
      responses: ok(page('users', user), 'A page.'),
    },
    {
      method: 'get',
      path: '/users/:id',
      summary: 'One user',
      responses: ok(user, 'The user itself (the reference SDK’s shape).'),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'deleteUser',
      method: 'delete',
      path: '/users/:id',
      summary: 'Delete a user and their data',
      responses: ok(),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      method: 'delete',
      path: '/users/:id/sessions',
      summary: 'Sign a user out everywhere',
      responses: ok(),
      errors: notFound('USER_NOT_FOUND'),
    },
  ],
  Relations: [
    {
      when: 'roles',
      method: 'get',
      path: '/users/:id/roles',
      summary: 'A user’s roles',
      responses: ok(z.object({ roles: z.array(z.string()) }), 'Roles.'),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'roles',
      method: 'post',
      path: '/users/:id/roles',
      summary: 'Give a user a role',
      body: assignRoleBody,
      responses: ok(),
      errors: notFound('USER_NOT_FOUND', 'ROLE_NOT_FOUND'),
    },
    {
      when: 'roles',
      method: 'delete',
      path: '/users/:id/roles/:role',
      summary: 'Take a role from a user',
      responses: ok(),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'metadata',
      method: 'get',
      path: '/users/:id/metadata',
      summary: 'A user’s metadata',
      responses: ok(z.record(z.string(), z.unknown()), 'The metadata object itself.'),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'metadata',
      method: 'put',
      path: '/users/:id/metadata',
      summary: 'Replace a user’s metadata (a flat JSON object)',
      body: z.record(z.string(), z.unknown()),
      responses: ok(
        z.object({ success: z.literal(true), metadata: z.record(z.string(), z.unknown()) }),
      ),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'linkedAccounts',
      method: 'get',
      path: '/users/:id/linked-accounts',
      summary: 'A user’s linked accounts',
      responses: ok(z.object({ linkedAccounts: z.array(linkedAccount) })),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'tenants',
      method: 'get',
      path: '/users/:id/tenants',
      summary: 'A user’s tenants',
      responses: ok(userTenants),
      errors: notFound('USER_NOT_FOUND'),
    },
  ],
  Sessions: [
    {
      when: 'sessions',
      method: 'get',
      path: '/sessions',
      summary: 'List sessions',
      query: paging,
      responses: ok(page('sessions', session), 'A page.'),
    },
    {
      when: 'sessionStore',
      method: 'delete',
      path: '/sessions/:handle',
      summary: 'End a session',
      responses: ok(),
      errors: notFound('SESSION_NOT_FOUND'),
    },
  ],
  Roles: [
    {
      when: 'roles',
      method: 'get',
      path: '/roles',
      summary: 'List roles',
      responses: ok(z.object({ roles: z.array(role) })),
    },
    {
      when: 'roles',
      method: 'post',
      path: '/roles',
      summary: 'Create a role',
      body: createRoleBody,
      responses: { 201: { description: 'Created.', body: successBody } },
    },
    {
      when: 'roles',
      method: 'delete',
      path: '/roles/:name',
      summary: 'Delete a role',
      responses: ok(),
      errors: notFound('ROLE_NOT_FOUND'),
    },
  ],
  Tenants: [
    {
      when: 'tenants',
      method: 'get',
      path: '/tenants',
      summary: 'List tenants',
      responses: ok(z.object({ tenants: z.array(tenant) })),
    },
    {
      when: 'tenants',
      method: 'post',
      path: '/tenants',
      summary: 'Create a tenant',
      body: createTenantBody,
      responses: {
        201: { description: 'Created.', body: z.object({ success: z.literal(true), tenant }) },
      },
    },
    {
      when: 'tenants',
      method: 'delete',
      path: '/tenants/:id',
      summary: 'Delete a tenant',
      responses: ok(),
      errors: notFound('TENANT_NOT_FOUND'),
    },
    {
      when: 'tenants',
      method: 'get',
      path: '/tenants/:id/users',
      summary: 'A tenant’s members',
      responses: ok(z.object({ userIds: z.array(z.string()) })),
      errors: notFound('TENANT_NOT_FOUND'),
    },
    {
      when: 'tenants',
      method: 'post',
      path: '/tenants/:id/users',
      summary: 'Add a member',
      body: memberBody,
      responses: ok(),
      errors: notFound('TENANT_NOT_FOUND', 'USER_NOT_FOUND'),
    },
    {
      when: 'tenants',
      method: 'delete',
      path: '/tenants/:id/users/:userId',
      summary: 'Remove a member',
      responses: ok(),
      errors: notFound('TENANT_NOT_FOUND'),
    },
  ],
  Settings: [
    {
      when: 'settings',
      method: 'get',
      path: '/settings',
      summary: 'Run-time settings',
      responses: ok(z.record(z.string(), z.unknown()), 'The settings object itself.'),
    },
    {
      when: 'settings',
      method: 'put',
      path: '/settings',
      summary: 'Change run-time settings',
      body: settingsBody,
      responses: ok(
        z.object({ success: z.literal(true), settings: z.record(z.string(), z.unknown()) }),
      ),
    },
  ],
};
