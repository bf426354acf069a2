/**
 * A small Azure Blob look-alike on 127.0.0.1 (path-style, as Azurite: /ACCOUNT/CONTAINER/BLOB):
 * List Blobs (flat, with NextMarker paging and maxresults), Get Blob (with If-Match), and a SAS
 * check: every parameter of the expected SAS token must be in the query string, else 403
 * AuthenticationFailed as Azure answers. `plan(name, attempt)` decides each GET: serve it, answer
 * 500, cut the body half way, or hold it until released. Directory entries of hierarchical
 * namespace accounts can be listed too (empty blobs with hdi_isfolder metadata).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type Behaviour, HeldGets, answerGet, listenLocally, rangeStart } from './faulty-get.js';

export type { Behaviour } from './faulty-get.js';

export interface FakeBlob {
  /** The account's Blob endpoint (AZURE_STORAGE_BLOB_ENDPOINT). */
  accountUrl: string;
  gets: string[];
  /** Each GET's range header ('' for none), in the order of `gets`. */
  ranges: string[];
  /** List Blobs requests (one per page). */
  lists: number;
  /** Every request's URL as received (the SAS included), to check what was sent. */
  urls: string[];
  release(): void;
  stop(): Promise<void>;
}

export interface FakeBlobOptions {
  account: string;
  container: string;
  /** Blob name -> bytes. */
  blobs: Map<string, Buffer>;
  /** Names listed as directories (hdi_isfolder). */
  directories?: string[];
  /** The SAS token requests must carry. */
  sasToken: string;
  plan?: (name: string, attempt: number) => Behaviour;
}

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const etagOf = (name: string) => `"0x8D${Buffer.from(name).toString('hex').slice(0, 12).toUpperCase()}"`;
const LAST_MODIFIED = 'Thu, 01 Jan 2026 00:00:00 GMT';

function errorReply(res: ServerResponse, status: number, code: string, message: string): void {
  res
    .writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code, 'x-ms-request-id': 'req-1' })
    .end(
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:req-1\nTime:2026-01-01T00:00:00.0000000Z</Message></Error>`,
    );
}

export async function startFakeBlob(options: FakeBlobOptions): Promise<FakeBlob> {
  const gets: string[] = [];
  const ranges: string[] = [];
  const urls: string[] = [];
  const state = { lists: 0 };
  const held = new HeldGets();
  const expected = new URLSearchParams(options.sasToken.replace(/^\?/, ''));
  const plan = options.plan ?? (() => 'ok');
  const server: Server = createServer((req, res) => {
    urls.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const [, account, container, ...rest] = url.pathname.split('/');
    const name = decodeURIComponent(rest.join('/'));
    for (const [key, value] of expected) {
      if (url.searchParams.get(key) !== value) {
        errorReply(
          res,
          403,
          'AuthenticationFailed',
          'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
        );
        return;
      }
    }
    if (account !== options.account || container !== options.container) {
      errorReply(res, 404, 'ContainerNotFound', 'The specified container does not exist.');
      return;
    }
    if (name === '' && url.searchParams.get('comp') === 'list') {
      state.lists++;
      const prefix = url.searchParams.get('prefix') ?? '';
      const max = Number(url.searchParams.get('maxresults') ?? 5000);
      const marker = url.searchParams.get('marker') ?? '';
      const directories = new Set(options.directories ?? []);
      const names = [...options.blobs.keys(), ...directories]
        .filter((n) => n.startsWith(prefix) && (marker === '' || n >= marker))
        .sort();
      const page = names.slice(0, max);
      const next = names[max];
      const items = page
        .map((n) => {
          const folder = directories.has(n);
          return `<Blob><Name>${xmlEscape(n)}</Name><Properties><Creation-Time>${LAST_MODIFIED}</Creation-Time><Last-Modified>${LAST_MODIFIED}</Last-Modified><Etag>${etagOf(n)}</Etag><Content-Length>${folder ? 0 : (options.blobs.get(n)?.length ?? 0)}</Content-Length><Content-Type>application/octet-stream</Content-Type><BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState></Properties>${folder ? '<Metadata><hdi_isfolder>true</hdi_isfolder></Metadata>' : '<Metadata />'}</Blob>`;
        })
        .join('');
      const body = `<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="http://127.0.0.1/${account}/" ContainerName="${container}"><Prefix>${xmlEscape(prefix)}</Prefix>${marker ? `<Marker>${xmlEscape(marker)}</Marker>` : ''}<MaxResults>${max}</MaxResults><Blobs>${items}</Blobs>${next ? `<NextMarker>${xmlEscape(next)}</NextMarker>` : '<NextMarker />'}</EnumerationResults>`;
      res.writeHead(200, { 'content-type': 'application/xml', 'x-ms-request-id': 'req-1' }).end(body);
      return;
    }
    const data = options.blobs.get(name);
    if (!data) {
      errorReply(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
      return;
    }
    const ifMatch = req.headers['if-match'];
    if (ifMatch && ifMatch !== etagOf(name)) {
      errorReply(res, 412, 'ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.');
      return;
    }
    gets.push(name);
    ranges.push(String(req.headers['x-ms-range'] ?? req.headers.range ?? ''));
    const attempt = gets.filter((n) => n === name).length;
    const headers = {
      'content-length': data.length,
      'content-type': 'application/octet-stream',
      etag: etagOf(name),
      'last-modified': LAST_MODIFIED,
      'x-ms-blob-type': 'BlockBlob',
      'x-ms-request-id': 'req-1',
    };
    const error500 = () =>
      errorReply(res, 500, 'InternalError', 'The server encountered an internal error. Please retry the request.');
    const from = rangeStart(req.headers['x-ms-range'] ?? req.headers.range);
    answerGet(res, plan(name, attempt), { data, headers, error500, ...(from === undefined ? {} : { from }) }, held);
  });
  const { port, stop } = await listenLocally(server);
  return {
    accountUrl: `http://127.0.0.1:${port}/${options.account}`,
    gets,
    ranges,
    urls,
    get lists() {
      return state.lists;
    },
    release: () => held.release(),
    stop,
  };
}
