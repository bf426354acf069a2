import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import type { SandboxAuth } from './auth.js';
import { AUTHENTICATE_PATH, GRAPHQL_PATH, STATUS_PATH } from './constants.js';
import { QueryCostRule } from './graphql/query-cost.js';
import { createResolvers } from './graphql/resolvers.js';
import { loadTypeDefs } from './graphql/type-defs.js';
import type { AuditService } from './service.js';
import type { ApiKeyRecord } from './state/schema.js';
import type { StateStore } from './state/store.js';
import { createWebhookRoutes } from './webhook-routes.js';

/**
 * The tenant's HTTP face: the audit GraphQL API at /api/audit/graphql (graphql-yoga over the
 * documented schema), POST /bim/apikey/authenticate for bearer tokens, and the sandbox-only
 * /sandbox/status. Authentication is checked before GraphQL runs, and refusals answer like a real
 * server: HTTP 401/403 with a JSON body (GraphQL-style `errors` on the GraphQL path).
 */
export interface HttpServerOptions {
  auth: SandboxAuth;
  service: AuditService;
  /** What /sandbox/status reports (no secrets). */
  status: () => Record<string, unknown>;
  log?: (line: string) => void;
  /** Serves Immuta's V1 REST webhooks endpoints from this state (absent: not served). */
  store?: StateStore;
}

export interface RunningHttpServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function hapiError(status: number, error: string, message: string) {
  return { statusCode: status, error, message };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createHttpHandler(options: HttpServerOptions) {
  type ServerContext = { req: IncomingMessage; res: ServerResponse; key: ApiKeyRecord };
  const yoga = createYoga<ServerContext>({
    schema: createSchema<ServerContext>({ typeDefs: loadTypeDefs(), resolvers: createResolvers(options.service) }),
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: false,
    landingPage: false,
    // A local tenant holding API keys must not be callable from arbitrary web pages.
    cors: false,
    maskedErrors: true,
    plugins: [
      {
        onValidate: ({ addValidationRule }: { addValidationRule: (rule: typeof QueryCostRule) => void }) =>
          addValidationRule(QueryCostRule),
      },
    ],
    logging: {
      debug: () => undefined,
      info: () => undefined,
      warn: (...args: unknown[]) => options.log?.(`graphql warning: ${args.map(String).join(' ')}`),
      error: (...args: unknown[]) =>
        options.log?.(
          `graphql error: ${args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' ')}`,
        ),
    },
  });

  async function authenticate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST')
      return sendJson(res, 405, hapiError(405, 'Method Not Allowed', 'Use POST with {"apikey": "<your API key>"}'));
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, hapiError(400, 'Bad Request', 'Invalid request payload JSON format'));
    }
    const apikey = (body as { apikey?: unknown } | null)?.apikey;
    if (typeof apikey !== 'string' || apikey === '')
      return sendJson(res, 400, hapiError(400, 'Bad Request', '"apikey" is required'));
    const issued = await options.auth.issueToken(apikey);
    if (!issued) return sendJson(res, 401, hapiError(401, 'Unauthorized', 'Invalid API key'));
    return sendJson(res, 200, { token: issued.token });
  }

  const webhookRoutes = options.store ? createWebhookRoutes({ auth: options.auth, store: options.store }) : undefined;

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    try {
      if (webhookRoutes && (await webhookRoutes(req, res, path, { sendJson, readBody, hapiError }))) return;
      if (path === GRAPHQL_PATH) {
        const result = options.auth.check(req.headers.authorization);
        if (!result.ok)
          return sendJson(res, result.status, {
            errors: [{ message: result.message, extensions: { code: result.code } }],
          });
        await yoga.handle(req, res, { req, res, key: result.key });
        return;
      }
      if (path === AUTHENTICATE_PATH) return await authenticate(req, res);
      if (path === STATUS_PATH && (req.method === 'GET' || req.method === 'HEAD'))
        return sendJson(res, 200, options.status());
      return sendJson(res, 404, hapiError(404, 'Not Found', 'Not Found'));
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      options.log?.(`http ${req.method ?? ''} ${path}: ${(error as Error).message}`);
      if (!res.headersSent)
        sendJson(
          res,
          status,
          hapiError(
            status,
            status === 413 ? 'Payload Too Large' : 'Internal Server Error',
            status === 413 ? 'Payload Too Large' : 'An internal server error occurred',
          ),
        );
      else res.end();
    }
  };
}

export async function startHttpServer(
  options: HttpServerOptions & { host: string; port: number },
): Promise<RunningHttpServer> {
  const handler = createHttpHandler(options);
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
