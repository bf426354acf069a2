/**
 * A small S3 look-alike for failure tests: ListObjectsV2 (with paging) and GetObject over plain
 * HTTP, no signatures checked. `plan(key)` decides each GET: serve it, answer 500, cut the body
 * half way, or hold it until released.
 */
import { createServer, type Server } from 'node:http';
import { type Behaviour, HeldGets, answerGet, listenLocally, rangeStart } from './faulty-get.js';

export type { Behaviour } from './faulty-get.js';

export interface HostileS3 {
  endpoint: string;
  gets: string[];
  /** Each GET's Range header ('' for none), in the order of `gets`. */
  ranges: string[];
  /** ListObjectsV2 requests (one per page). */
  lists: number;
  /** Releases held GETs. */
  release(): void;
  stop(): Promise<void>;
}

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startHostileS3(
  bucket: string,
  objects: Map<string, Buffer>,
  plan: (key: string, attempt: number) => Behaviour,
): Promise<HostileS3> {
  const gets: string[] = [];
  const ranges: string[] = [];
  const state = { lists: 0 };
  const held = new HeldGets();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, b, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (b !== bucket) {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchBucket</Code></Error>');
      return;
    }
    if (key === '') {
      state.lists++;
      const prefix = url.searchParams.get('prefix') ?? '';
      const max = Number(url.searchParams.get('max-keys') ?? 1000);
      const after = url.searchParams.get('continuation-token') ?? '';
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
      const page = keys.slice(0, max);
      const truncated = keys.length > page.length;
      const contents = page
        .map(
          (k) =>
            `<Contents><Key>${xmlEscape(k)}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"etag-${xmlEscape(k)}"</ETag><Size>${objects.get(k)?.length ?? 0}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
        )
        .join('');
      const body = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${xmlEscape(page[page.length - 1] ?? '')}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`;
      res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
      return;
    }
    const data = objects.get(key);
    if (!data) {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    gets.push(key);
    ranges.push(String(req.headers.range ?? ''));
    const attempt = gets.filter((k) => k === key).length;
    const error500 = () =>
      res
        .writeHead(500, { 'content-type': 'application/xml' })
        .end('<Error><Code>InternalError</Code><Message>try again</Message></Error>');
    const headers = { 'content-length': data.length, etag: `"etag-${key}"` };
    const from = rangeStart(req.headers.range);
    answerGet(res, plan(key, attempt), { data, headers, error500, ...(from === undefined ? {} : { from }) }, held);
  });
  const { port, stop } = await listenLocally(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    gets,
    ranges,
    get lists() {
      return state.lists;
    },
    release: () => held.release(),
    stop,
  };
}
