import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver on 127.0.0.1 for tests: records what it accepts and answers as scripted.
 * `script` is consumed one answer per request (then `fallback`): 'ok' (200), 'fail' (500), 'hang'
 * (never answers: the client's timeout must fire), 429 with a Retry-After, or a redirect.
 * Tests stop it in afterEach/finally with `close()`.
 */
export type Answer =
  | 'ok'
  | 'fail'
  | 'hang'
  | { status: 429; retryAfter: string }
  | { redirect: string; status?: 301 | 302 | 307 | 308 }
  | { refuse: 400 | 404 | 413; saying: string };

export interface Receiver {
  url: string;
  /** Bodies of accepted (2xx) requests, parsed as JSON, in order. */
  accepted: unknown[];
  /** Every request, with the answer given. */
  requests: Array<{ path: string; answer: string; headers: IncomingMessage['headers']; body: string }>;
  script: Answer[];
  fallback: Answer;
  close(): Promise<void>;
}

export async function startReceiver(options: { script?: Answer[]; fallback?: Answer } = {}): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const receiver: Omit<Receiver, 'url' | 'close'> = {
    accepted: [],
    requests: [],
    script: [...(options.script ?? [])],
    fallback: options.fallback ?? 'ok',
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = receiver.script.shift() ?? receiver.fallback;
      const label =
        typeof answer === 'string'
          ? answer
          : 'redirect' in answer
            ? 'redirect'
            : 'refuse' in answer
              ? String(answer.refuse)
              : '429';
      receiver.requests.push({ path: req.url ?? '/', answer: label, headers: req.headers, body });
      if (answer === 'ok') {
        receiver.accepted.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } else if (answer === 'fail') {
        res.writeHead(500).end('down');
      } else if (answer === 'hang') {
        hanging.add(res);
      } else if ('refuse' in answer) {
        res.writeHead(answer.refuse, { 'content-type': 'text/plain' }).end(answer.saying);
      } else if ('redirect' in answer) {
        res.writeHead(answer.status ?? 307, { location: answer.redirect }).end();
      } else {
        res.writeHead(429, { 'retry-after': answer.retryAfter }).end('slow down');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook/secret-token-path`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
