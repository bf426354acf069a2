import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake tenant received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: { query?: string; operationName?: string; variables?: Record<string, unknown> };
  raw: string;
}

export type Answer = { status?: number; json: unknown };
export type Responder = (request: RecordedRequest) => Answer;

/**
 * A tiny real HTTP server on 127.0.0.1 (free port) that answers GraphQL POSTs the way the
 * documentation shows, and records every request so tests can check what went over the wire.
 */
export class FakeTenant {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  responder: Responder = () => ({ status: 500, json: { errors: [{ message: 'no responder' }] } });

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('fake tenant not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        let body: RecordedRequest['body'] = {};
        try {
          body = JSON.parse(raw) as RecordedRequest['body'];
        } catch {
          // recorded as is
        }
        const request: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, raw };
        this.requests.push(request);
        const answer = this.responder(request);
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.json));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The operation a request ran: `operationName` when sent, else the field after `{` in the document. */
export function operationOf(request: RecordedRequest): string | undefined {
  const field = /\{\s*(\w+)\s*\(/.exec(request.body.query ?? '')?.[1];
  return field ?? request.body.operationName;
}

/** A port that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
