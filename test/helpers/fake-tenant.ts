/**
 * A scripted fake of Immuta's audit GraphQL endpoint: a real HTTP(S) server on 127.0.0.1 (free
 * port) that answers each operation from a queue the test fills, and records every request.
 * It does not execute GraphQL: it only reads which root field the document asks for, so tests
 * control every byte of the answer (statuses, headers, delays, broken bodies, hang-ups).
 *
 *   const tenant = await FakeTenant.start({ apiKey: 'test-key-123456' });
 *   tenant.reply('getAllExportConfigurations', { status: 503 }, { data: [sampleConfiguration()] });
 *   tenant.replyAlways('enableExportConfiguration', { data: sampleConfiguration({ enabled: true }) });
 *   await runCli(['audit', 'exportConfig', 'list', '--host', tenant.url], { env: { IMMUTA_API_KEY: 'test-key-123456', HOME } });
 *   expect(tenant.requests).toHaveLength(2);
 *   await tenant.stop(); // in afterAll / finally
 *
 * Operation names are the root fields Immuta documents and TenantClient sends
 * (`getAllExportConfigurations`, `enableExportConfiguration`, ...). For each one, the answers given
 * to `reply()` are used once each, in order; when they run out, the `replyAlways()` answer is used;
 * without one, the fake answers a GraphQL error naming the unscripted operation (HTTP 200, so the
 * client does not retry it). Only POST to /api/audit/graphql is served: any other path gets an
 * HTML 404, like a web server that is not an Immuta tenant.
 *
 * When an answer depends on the request (echoing the variables back, a status the test changes
 * between cases), `replyWith()` takes a function instead; it stands where `replyAlways()` does
 * (used whenever the queue is empty, replacing any `replyAlways()` answer) and is called once per
 * request with what was recorded:
 *
 *   tenant.replyWith('updateS3AccessKeyExportConfiguration', (request) => ({ data: sampleConfiguration({ ...(request.input.data as object) }) }));
 */
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { parse, Kind, type OperationDefinitionNode, valueFromASTUntyped } from 'graphql';

export const GRAPHQL_PATH = '/api/audit/graphql';

/** One scripted answer. Everything is optional: `{}` is an HTTP 200 with `{"data": {"<op>": null}}`. */
export interface ScriptedResponse {
  /** HTTP status (default 200). */
  status?: number;
  /** Extra response headers, e.g. `{ 'retry-after': '1' }`. Content-Type defaults to application/json. */
  headers?: Record<string, string>;
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
  /** The root field's value: the body becomes `{"data": {"<operation>": data}}`. */
  data?: unknown;
  /** GraphQL errors: the body becomes `{"data": null, "errors": [...]}` (strings become `{message}`). */
  errors?: Array<string | { message: string; extensions?: Record<string, unknown> }>;
  /** The raw body, overriding data/errors: a string is sent verbatim, anything else as JSON. */
  body?: unknown;
  /** Destroy the connection without answering (the client sees a reset / "other side closed"). */
  hangUp?: boolean;
}

/** Computes the answer to one request (see `FakeTenant.replyWith`). */
export type Responder = (request: RecordedRequest) => ScriptedResponse;

/** What the fake saw of one request. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The root field of the document (the key answers are scripted by), or '' when unparsable. */
  operation: string;
  /** The `operationName` member of the body, as the client sent it (e.g. `GetAllExportConfigurations`). */
  operationName: string | undefined;
  query: string | undefined;
  variables: Record<string, unknown> | undefined;
  /**
   * The root field's arguments as the tenant receives them, literals and variables resolved
   * (`{ id: 'cfg-1' }`, `{ data: { interval, bucket, ... } }`): what was asked, whatever the wire form.
   */
  input: Record<string, unknown>;
  /** The raw body text. */
  body: string;
}

export interface FakeTenantOptions {
  /** When set, requests whose Authorization header is not exactly this key get HTTP 401. */
  apiKey?: string;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string; cert: string };
}

/** A realistic configuration as the tenant answers it; override any field. */
export function sampleConfiguration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'cfg-1111',
    interval: 'EVERY_12_HOURS',
    enabled: true,
    connectionStatus: 'SUCCESS',
    endpointConfiguration: {
      __typename: 'S3AccessKeyEndpointConfiguration',
      bucket: 'audit-bucket',
      path: 'immuta',
      region: 'us-east-1',
    },
    ...overrides,
  };
}

/** A task of an export job as the tenant answers it; override any field. */
export function sampleTask(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'task-1',
    startTimestamp: '2026-01-01T00:00:00Z',
    endTimestamp: '2026-01-01T00:05:00Z',
    attempts: 1,
    offset: 0,
    limit: 1000,
    status: 'SUCCESS',
    failureReason: null,
    ...overrides,
  };
}

function rootField(
  query: string | undefined,
  variables: Record<string, unknown> | undefined,
): { operation: string; input: Record<string, unknown> } {
  if (!query) return { operation: '', input: {} };
  try {
    const doc = parse(query);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const first = op?.selectionSet.selections[0];
    if (first?.kind !== Kind.FIELD) return { operation: '', input: {} };
    const input = Object.fromEntries(
      (first.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]),
    );
    return { operation: first.name.value, input };
  } catch {
    return { operation: '', input: {} };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export class FakeTenant {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly queues = new Map<string, ScriptedResponse[]>();
  private readonly defaults = new Map<string, Responder>();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private readonly options: FakeTenantOptions;
  private port = 0;

  private constructor(options: FakeTenantOptions) {
    this.options = options;
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = options.tls
      ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
      : createHttpServer(handler);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // TLS handshakes that the client aborts (untrusted certificate) are expected in tests.
    this.server.on('tlsClientError', () => undefined);
  }

  /** Starts a fake tenant on 127.0.0.1 and a free port. */
  static async start(options: FakeTenantOptions = {}): Promise<FakeTenant> {
    const tenant = new FakeTenant(options);
    await new Promise<void>((resolve, reject) => {
      tenant.server.once('error', reject);
      tenant.server.listen(0, '127.0.0.1', () => resolve());
    });
    tenant.port = (tenant.server.address() as AddressInfo).port;
    return tenant;
  }

  /** The tenant URL to pass as `--host` / IMMUTA_HOST (no trailing slash). */
  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  get portNumber(): number {
    return this.port;
  }

  /** Queues answers for an operation, each used once, in order. */
  reply(operation: string, ...responses: ScriptedResponse[]): this {
    this.queues.set(operation, [...(this.queues.get(operation) ?? []), ...responses]);
    return this;
  }

  /** The answer used for an operation whenever its queue is empty. */
  replyAlways(operation: string, response: ScriptedResponse): this {
    this.defaults.set(operation, () => response);
    return this;
  }

  /**
   * Like `replyAlways()`, but the answer is computed from each request (after it was recorded);
   * queued `reply()` answers still come first. Replaces any `replyAlways()` answer, and vice versa.
   */
  replyWith(operation: string, responder: Responder): this {
    this.defaults.set(operation, responder);
    return this;
  }

  /** The recorded requests for one operation. */
  requestsFor(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  /** Forgets scripted answers and recorded requests (between tests sharing one server). */
  reset(): void {
    this.queues.clear();
    this.defaults.clear();
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private next(request: RecordedRequest): ScriptedResponse | undefined {
    const queue = this.queues.get(request.operation);
    if (queue && queue.length > 0) return queue.shift();
    return this.defaults.get(request.operation)?.(request);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let parsed: { query?: unknown; variables?: unknown; operationName?: unknown } = {};
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      // Recorded as-is; the answer below tells the client.
    }
    const query = typeof parsed.query === 'string' ? parsed.query : undefined;
    const variables =
      parsed.variables && typeof parsed.variables === 'object'
        ? (parsed.variables as Record<string, unknown>)
        : undefined;
    const { operation, input } = rootField(query, variables);
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path,
      headers: req.headers,
      operation,
      operationName: typeof parsed.operationName === 'string' ? parsed.operationName : undefined,
      query,
      variables,
      input,
      body,
    };
    this.requests.push(recorded);

    if (path !== GRAPHQL_PATH || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>404 Not Found</h1></body></html>');
      return;
    }
    if (this.options.apiKey !== undefined && req.headers.authorization !== this.options.apiKey) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ message: 'Unauthorized' }] }));
      return;
    }
    const scripted = this.next(recorded) ?? {
      errors: [`fake tenant: no answer scripted for "${operation || '(unparsable request)'}"`],
    };
    if (scripted.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
    if (scripted.hangUp) {
      req.socket.destroy();
      return;
    }
    let payload: string;
    if (scripted.body !== undefined)
      payload = typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body);
    else if (scripted.errors) {
      payload = JSON.stringify({
        data: null,
        errors: scripted.errors.map((e) => (typeof e === 'string' ? { message: e } : e)),
      });
    } else payload = JSON.stringify({ data: { [operation]: scripted.data ?? null } });
    if (res.destroyed) return;
    res.writeHead(scripted.status ?? 200, { 'content-type': 'application/json', ...scripted.headers }).end(payload);
  }
}
