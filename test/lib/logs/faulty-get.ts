/**
 * What the fake object stores (hostile-s3.ts, fake-blob.ts) share: how a planned GET is answered,
 * held GETs, and listening on 127.0.0.1 with a stop that also ends open connections.
 */
import type { OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a GET gets: served, a 500, its body cut half way, or held until released. */
export type Behaviour = 'ok' | 'error500' | 'cut' | 'hold';

/** GETs held back (Behaviour 'hold') until `release`. */
export class HeldGets {
  private readonly waiting: Array<() => void> = [];
  hold(serve: () => void): void {
    this.waiting.push(serve);
  }
  release(): void {
    this.waiting.splice(0).forEach((serve) => serve());
  }
}

/** The first byte a `bytes=N-` range asks for (the only form a resumed read sends); undefined for none. */
export function rangeStart(header: string | string[] | undefined): number | undefined {
  const match = /^bytes=(\d+)-$/.exec(String(header ?? ''));
  return match ? Number(match[1]) : undefined;
}

/**
 * Answers a GET of `data` (from byte `from` on, as a 206, for a range request) as `behaviour` says;
 * `error500` writes the store's own 500.
 */
export function answerGet(
  res: ServerResponse,
  behaviour: Behaviour,
  whole: { data: Buffer; headers: OutgoingHttpHeaders; error500: () => void; from?: number },
  held: HeldGets,
): void {
  const from = whole.from ?? 0;
  const reply = {
    ...whole,
    data: whole.data.subarray(from),
    headers: {
      ...whole.headers,
      'content-length': whole.data.length - from,
      ...(whole.from === undefined
        ? {}
        : { 'content-range': `bytes ${from}-${whole.data.length - 1}/${whole.data.length}` }),
    },
  };
  const status = whole.from === undefined ? 200 : 206;
  const serve = () => res.writeHead(status, reply.headers).end(reply.data);
  switch (behaviour) {
    case 'error500':
      reply.error500();
      return;
    case 'cut':
      res.writeHead(status, reply.headers);
      res.write(reply.data.subarray(0, Math.floor(reply.data.length / 2)), () => res.destroy());
      return;
    case 'hold':
      held.hold(serve);
      return;
    default:
      serve();
  }
}

/** Listens on a free port of 127.0.0.1; `stop` closes open connections too (held or kept-alive). */
export async function listenLocally(server: Server): Promise<{ port: number; stop: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A plan that holds the first GET of the object ending in `suffix` and aborts meanwhile (Ctrl-C during its download). */
export const interruptedAt =
  (suffix: string, controller: AbortController) =>
  (name: string, attempt: number): Behaviour => {
    if (name.endsWith(suffix) && attempt === 1) {
      setTimeout(() => controller.abort(), 50);
      return 'hold';
    }
    return 'ok';
  };
