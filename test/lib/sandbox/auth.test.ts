import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxAuth } from '../../../src/lib/sandbox/auth.js';
import { StateStore } from '../../../src/lib/sandbox/state/store.js';

let dir: string;
let now: number;
let auth: SandboxAuth;
let store: StateStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-auth-'));
  now = Date.parse('2026-01-01T00:00:00Z');
  store = await StateStore.open(dir);
  auth = new SandboxAuth(store, 60_000, () => now);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SandboxAuth', () => {
  it('creates one AUDIT key and one key without it, and keeps them across restarts', async () => {
    const keys = await auth.ensureKeys();
    expect(keys.auditApiKey).not.toBe(keys.noAuditApiKey);
    const again = await new SandboxAuth(await StateStore.open(dir), 60_000).ensureKeys();
    expect(again).toEqual(keys);
  });

  it('accepts the raw key and "Bearer <key>", refuses others with 401 and the no-AUDIT key with 403', async () => {
    const keys = await auth.ensureKeys();
    expect(auth.check(keys.auditApiKey)).toMatchObject({ ok: true });
    expect(auth.check(`Bearer ${keys.auditApiKey}`)).toMatchObject({ ok: true });
    expect(auth.check(`bearer   ${keys.auditApiKey}`)).toMatchObject({ ok: true });
    expect(auth.check(undefined)).toMatchObject({ ok: false, status: 401 });
    expect(auth.check('nope')).toMatchObject({ ok: false, status: 401 });
    expect(auth.check(`Bearer ${keys.auditApiKey}x`)).toMatchObject({ ok: false, status: 401 });
    expect(auth.check(keys.noAuditApiKey)).toMatchObject({ ok: false, status: 403, code: 'FORBIDDEN' });
  });

  it('issues bearer tokens that expire', async () => {
    const keys = await auth.ensureKeys();
    expect(await auth.issueToken('unknown')).toBeUndefined();
    const issued = await auth.issueToken(keys.auditApiKey);
    expect(issued).toBeDefined();
    const token = issued?.token ?? '';
    expect(auth.check(`Bearer ${token}`)).toMatchObject({ ok: true });
    now += 59_000;
    expect(auth.check(`Bearer ${token}`)).toMatchObject({ ok: true });
    now += 2_000;
    expect(auth.check(`Bearer ${token}`)).toMatchObject({
      ok: false,
      status: 401,
      message: expect.stringMatching(/expired/),
    });
  });

  it('gives a no-AUDIT key a token that still answers 403', async () => {
    const keys = await auth.ensureKeys();
    const issued = await auth.issueToken(keys.noAuditApiKey);
    expect(auth.check(`Bearer ${issued?.token ?? ''}`)).toMatchObject({ ok: false, status: 403 });
  });

  it('keeps tokens across a restart', async () => {
    const keys = await auth.ensureKeys();
    const issued = await auth.issueToken(keys.auditApiKey);
    const restarted = new SandboxAuth(await StateStore.open(dir), 60_000, () => now);
    expect(restarted.check(`Bearer ${issued?.token ?? ''}`)).toMatchObject({ ok: true });
  });
});
