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

/** Answers a GET of `data` as `behaviour` says; `error500` writes the store's own 500. */
export function answerGet(
  res: ServerResponse,
  behaviour: Behaviour,
  reply: { data: Buffer; headers: OutgoingHttpHeaders; error500: () => void },
  held: HeldGets,
): void {
  const serve = () => res.writeHead(200, reply.headers).end(reply.data);
  switch (behaviour) {
    case 'error500':
      reply.error500();
      return;
    case 'cut':
      res.writeHead(200, reply.headers);
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
