import { randomBytes } from 'node:crypto';
import { SANDBOX_AUDIT_USER, SANDBOX_NO_AUDIT_USER } from './constants.js';
import type { ApiKeyRecord } from './state/schema.js';
import type { StateStore } from './state/store.js';

/**
 * Authentication as Immuta documents it (../shared/api/README.md): the API key as the whole
 * Authorization header, `Bearer <key>`, or `Bearer <token>` where the token comes from
 * POST /bim/apikey/authenticate and expires. The AUDIT permission is required for the audit API.
 */
export const AUDIT_PERMISSION = 'AUDIT';

export type AuthResult =
  | { ok: true; key: ApiKeyRecord }
  | { ok: false; status: 401 | 403; code: 'UNAUTHENTICATED' | 'FORBIDDEN'; message: string };

export interface SandboxKeys {
  auditApiKey: string;
  noAuditApiKey: string;
}

export class SandboxAuth {
  constructor(
    private readonly store: StateStore,
    private readonly tokenTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates the sandbox's two keys on first start (kept afterwards, so profiles stay valid). */
  async ensureKeys(): Promise<SandboxKeys> {
    return this.store.update((state) => {
      const find = (permission: boolean) =>
        state.apiKeys.find((k) => k.permissions.includes(AUDIT_PERMISSION) === permission);
      const createdAt = new Date(this.now()).toISOString();
      if (!find(true)) {
        state.apiKeys.push({
          key: newSecret(),
          name: 'sandbox audit key',
          user: { ...SANDBOX_AUDIT_USER },
          permissions: [AUDIT_PERMISSION],
          createdAt,
        });
      }
      if (!find(false)) {
        state.apiKeys.push({
          key: newSecret(),
          name: 'sandbox key without AUDIT',
          user: { ...SANDBOX_NO_AUDIT_USER },
          permissions: [],
          createdAt,
        });
      }
      return { auditApiKey: (find(true) as ApiKeyRecord).key, noAuditApiKey: (find(false) as ApiKeyRecord).key };
    });
  }

  /** POST /bim/apikey/authenticate: trades a key for a bearer token, or undefined for an unknown key. */
  async issueToken(apiKey: string): Promise<{ token: string; expiresAt: string } | undefined> {
    if (!this.store.snapshot.apiKeys.some((k) => k.key === apiKey)) return undefined;
    const now = this.now();
    const record = { token: newSecret(), apiKey, expiresAt: new Date(now + this.tokenTtlMs).toISOString() };
    await this.store.update((state) => {
      state.tokens = state.tokens.filter((t) => Date.parse(t.expiresAt) > now);
      state.tokens.push(record);
    });
    return { token: record.token, expiresAt: record.expiresAt };
  }

  /** Checks an Authorization header for the audit API. */
  check(header: string | undefined): AuthResult {
    return this.checkPermission(header, AUDIT_PERMISSION);
  }

  /**
   * Checks an Authorization header and, when `permission` is given, that the key's user has it. The
   * sandbox's AUDIT key doubles as the application admin (webhooks need APPLICATION_ADMIN on Immuta).
   */
  checkPermission(header: string | undefined, permission: string | undefined): AuthResult {
    const value = (header ?? '').trim();
    if (value === '')
      return unauthenticated('Missing Authorization header: send your Immuta API key, or "Bearer <token>"');
    const credential = /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '').trim() : value;
    const state = this.store.snapshot;
    let key = state.apiKeys.find((k) => k.key === credential);
    if (!key) {
      const token = state.tokens.find((t) => t.token === credential);
      if (!token) return unauthenticated('Invalid API key or token');
      if (Date.parse(token.expiresAt) <= this.now())
        return unauthenticated('Token expired: authenticate again at /bim/apikey/authenticate');
      key = state.apiKeys.find((k) => k.key === token.apiKey);
      if (!key) return unauthenticated('Invalid API key or token');
    }
    if (permission !== undefined && !key.permissions.includes(permission)) {
      return {
        ok: false,
        status: 403,
        code: 'FORBIDDEN',
        message: `User ${key.user.id} does not have the ${permission} permission`,
      };
    }
    return { ok: true, key };
  }
}

function unauthenticated(message: string): AuthResult {
  return { ok: false, status: 401, code: 'UNAUTHENTICATED', message };
}

function newSecret(): string {
  return randomBytes(16).toString('hex');
}
