import type { ApiKey } from '../../stores/api-key';

/** A key as an HTTP answer shows it: everything but its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  keyPrefix: string;
  serviceId: string | null;
  scopes: string[];
  allowedIps: string[];
  isActive: boolean;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  userId: string | null;
}

export function toApiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    keyPrefix: key.keyPrefix,
    serviceId: key.serviceId ?? null,
    scopes: [...key.scopes],
    allowedIps: [...(key.allowedIps ?? [])],
    isActive: key.isActive,
    expiresAt: key.expiresAt ?? null,
    lastUsedAt: key.lastUsedAt ?? null,
    createdAt: key.createdAt,
    userId: key.userId ?? null,
  };
}
