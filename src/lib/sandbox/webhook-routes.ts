import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod'; // a namespace import: the bundle keeps only what is used (not zod's 60 locales)
import { AUDIT_PERMISSION, type SandboxAuth } from './auth.js';
import type { StateStore } from './state/store.js';
import type { WebhookRecord } from './state/schema.js';
import { notificationTypes } from './webhooks.js';

/**
 * The V1 REST webhooks endpoints as Immuta documents them (U7): POST /webhooks, GET /webhooks,
 * GET /webhooks/actions, GET /webhooks/{id}, DELETE /webhooks/{id}. The API key is the whole
 * Authorization header (or `Bearer <token>`). Creating and deleting need the application admin,
 * which in the sandbox is the AUDIT key's user; any valid key may read.
 */
export const WEBHOOKS_PATH = '/webhooks';

export interface HttpKit {
  sendJson(res: ServerResponse, status: number, body: unknown): void;
  readBody(req: IncomingMessage): Promise<string>;
  hapiError(status: number, error: string, message: string): unknown;
}

const CreateBodySchema = z.object({
  webhooks: z
    .array(
      z.object({
        url: z.url({ protocol: /^https?$/ }),
        name: z.string().min(1).max(200),
        notificationType: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]),
        global: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(50),
});

function publicView(webhook: WebhookRecord) {
  return {
    id: webhook.id,
    url: webhook.url,
    name: webhook.name,
    notificationType: webhook.notificationType,
    global: webhook.global,
    createdAt: webhook.createdAt,
  };
}

export function createWebhookRoutes(options: { auth: SandboxAuth; store: StateStore; now?: () => number }) {
  const now = options.now ?? Date.now;
  const known = new Set(notificationTypes());

  /** Handles the request if its path is a webhooks path; returns false otherwise. */
  return async (req: IncomingMessage, res: ServerResponse, path: string, kit: HttpKit): Promise<boolean> => {
    if (path !== WEBHOOKS_PATH && !path.startsWith(`${WEBHOOKS_PATH}/`)) return false;
    const method = req.method ?? 'GET';
    const write = method === 'POST' || method === 'DELETE';
    const auth = options.auth.checkPermission(req.headers.authorization, write ? AUDIT_PERMISSION : undefined);
    if (!auth.ok) {
      kit.sendJson(
        res,
        auth.status,
        kit.hapiError(auth.status, auth.status === 401 ? 'Unauthorized' : 'Forbidden', auth.message),
      );
      return true;
    }
    const rest = path.slice(WEBHOOKS_PATH.length).replace(/^\//, '');
    if (rest === '' && method === 'GET') {
      kit.sendJson(res, 200, options.store.snapshot.webhooks.map(publicView));
      return true;
    }
    if (rest === 'actions' && method === 'GET') {
      kit.sendJson(res, 200, notificationTypes());
      return true;
    }
    if (rest === '' && method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse(await kit.readBody(req));
      } catch {
        kit.sendJson(res, 400, kit.hapiError(400, 'Bad Request', 'Invalid request payload JSON format'));
        return true;
      }
      const parsed = CreateBodySchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        kit.sendJson(
          res,
          400,
          kit.hapiError(400, 'Bad Request', `"${issue?.path.join('.') ?? 'webhooks'}": ${issue?.message ?? 'invalid'}`),
        );
        return true;
      }
      const types = parsed.data.webhooks.flatMap((w) =>
        Array.isArray(w.notificationType) ? w.notificationType : [w.notificationType],
      );
      const unknown = types.find((t) => !known.has(t));
      if (unknown !== undefined) {
        kit.sendJson(res, 400, kit.hapiError(400, 'Bad Request', `"notificationType": unknown type ${unknown}`));
        return true;
      }
      const created = await options.store.update((state) => {
        let next = state.webhooks.reduce((max, w) => Math.max(max, w.id), 0);
        const records = parsed.data.webhooks.map((w): WebhookRecord => ({
          id: ++next,
          url: w.url,
          name: w.name,
          notificationType: Array.isArray(w.notificationType) ? w.notificationType : [w.notificationType],
          global: w.global ?? false,
          createdBy: { ...auth.key.user },
          createdAt: new Date(now()).toISOString(),
        }));
        state.webhooks.push(...records);
        return records;
      });
      kit.sendJson(res, 200, created.map(publicView));
      return true;
    }
    const id = /^\d+$/.test(rest) ? Number(rest) : undefined;
    if (id !== undefined && (method === 'GET' || method === 'DELETE')) {
      const found = options.store.snapshot.webhooks.find((w) => w.id === id);
      if (!found) {
        kit.sendJson(res, 404, kit.hapiError(404, 'Not Found', `Webhook ${id} not found`));
        return true;
      }
      if (method === 'DELETE') {
        await options.store.update((state) => {
          state.webhooks = state.webhooks.filter((w) => w.id !== id);
        });
      }
      kit.sendJson(res, 200, publicView(found));
      return true;
    }
    kit.sendJson(res, 404, kit.hapiError(404, 'Not Found', 'Not Found'));
    return true;
  };
}
