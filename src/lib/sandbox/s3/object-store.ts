/**
 * The sandbox's object storage: a small in-process store (no port of its own) that only the verifying
 * gateway and the sandbox itself call. S3 keys are opaque strings (up to 1024 bytes, `..` segments,
 * percent signs and slashes included), so no part of a key ever becomes part of a path: every object
 * is stored as `<bucket>/<sha256(key)>.<random>.obj` with its metadata (the key itself, size, ETag,
 * headers) in `<bucket>/<sha256(key)>.json` beside it. Bucket names are validated before they get here.
 *
 * Writes are crash-safe: the data file is new for every PUT, the metadata is renamed into place, and
 * files no metadata points at (a crash between the two steps) are removed when the store opens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** S3's limit on key length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

export interface StoredObject {
  key: string;
  size: number;
  /** Quoted MD5 hex, as S3 answers it for single-part uploads. */
  etag: string;
  lastModified: Date;
  contentType: string;
  contentEncoding?: string;
  /** `x-amz-meta-*` headers, names lower-cased without the prefix. */
  userMetadata: Record<string, string>;
}

interface Entry extends StoredObject {
  /** Data file name inside the bucket directory. */
  file: string;
}

export interface PutOptions {
  contentType?: string;
  contentEncoding?: string;
  userMetadata?: Record<string, string>;
}

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  /** List keys after this one (StartAfter, Marker, or the key a continuation token stands for). */
  startAfter?: string;
  /** Skip every key under this common prefix (a continuation that ended on a CommonPrefix). */
  skipPrefix?: string;
  maxKeys: number;
}

export interface ListPage {
  contents: StoredObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** What the next page continues after: the last key or common prefix of this page. */
  last?: { key: string; isPrefix: boolean };
}

const DATA_FILE = /^[0-9a-f]{64}\.[0-9a-f]{16}\.obj$/;
const META_FILE = /^([0-9a-f]{64})\.json$/;

export function keyTooLong(key: string): boolean {
  return Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES;
}

function keyId(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** S3 lists keys in UTF-8 byte order, which differs from JS string order above U+FFFF. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function isEntry(value: unknown): value is Omit<Entry, 'lastModified'> & { lastModified: string } {
  const v = value as Record<string, unknown> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.key === 'string' &&
    typeof v.file === 'string' &&
    DATA_FILE.test(v.file) &&
    typeof v.size === 'number' &&
    typeof v.etag === 'string' &&
    typeof v.lastModified === 'string' &&
    typeof v.contentType === 'string' &&
    (v.contentEncoding === undefined || typeof v.contentEncoding === 'string') &&
    typeof v.userMetadata === 'object' &&
    v.userMetadata !== null
  );
}

function publicView(entry: Entry): StoredObject {
  const { file: _file, ...object } = entry;
  return object;
}

export class ObjectStore {
  private readonly buckets = new Map<string, Map<string, Entry>>();
  private readonly sorted = new Map<string, string[]>();
  /** Writes to one key run one after another, so the index and the disk agree on the winner. */
  private readonly writes = new Map<string, Promise<unknown>>();

  private constructor(private readonly directory: string) {}

  static async open(directory: string, bucketNames: readonly string[]): Promise<ObjectStore> {
    const store = new ObjectStore(directory);
    for (const name of bucketNames) await store.load(name);
    return store;
  }

  private bucketDir(bucket: string): string {
    return join(this.directory, bucket);
  }

  private async load(bucket: string): Promise<void> {
    const dir = this.bucketDir(bucket);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const entries = new Map<string, Entry>();
    const names = await readdir(dir);
    for (const name of names) {
      const match = META_FILE.exec(name);
      if (!match) continue;
      try {
        const parsed: unknown = JSON.parse(await readFile(join(dir, name), 'utf8'));
        // A metadata file is trusted only for the key it is named after and a data file name of our shape.
        if (!isEntry(parsed) || keyId(parsed.key) !== match[1] || !names.includes(parsed.file)) continue;
        entries.set(parsed.key, { ...parsed, lastModified: new Date(parsed.lastModified) });
      } catch {
        // Unreadable metadata: the object is lost, the store still opens.
      }
    }
    const referenced = new Set([...entries.values()].map((e) => e.file));
    for (const name of names) {
      if (name.endsWith('.tmp') || (DATA_FILE.test(name) && !referenced.has(name))) {
        await rm(join(dir, name), { force: true });
      }
    }
    this.buckets.set(bucket, entries);
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  private entries(bucket: string): Map<string, Entry> {
    const entries = this.buckets.get(bucket);
    if (!entries) throw new Error(`No such bucket in the object store: ${bucket}`);
    return entries;
  }

  private serialised<T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> {
    const id = `${bucket}/${key}`;
    const previous = this.writes.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.writes.set(id, settled);
    void settled.then(() => {
      if (this.writes.get(id) === settled) this.writes.delete(id);
    });
    return next;
  }

  async put(bucket: string, key: string, body: Buffer, options: PutOptions = {}): Promise<StoredObject> {
    const entries = this.entries(bucket);
    if (keyTooLong(key)) throw new Error('key too long'); // callers answer KeyTooLongError first
    return this.serialised(bucket, key, async () => {
      const dir = this.bucketDir(bucket);
      const id = keyId(key);
      const file = `${id}.${randomBytes(8).toString('hex')}.obj`;
      await writeFile(join(dir, file), body, { flag: 'wx', mode: 0o600 });
      const entry: Entry = {
        key,
        file,
        size: body.length,
        etag: `"${createHash('md5').update(body).digest('hex')}"`,
        lastModified: new Date(Math.floor(Date.now() / 1000) * 1000),
        contentType: options.contentType ?? 'binary/octet-stream',
        ...(options.contentEncoding === undefined ? {} : { contentEncoding: options.contentEncoding }),
        userMetadata: { ...(options.userMetadata ?? {}) },
      };
      const temporary = join(dir, `${id}.${randomBytes(8).toString('hex')}.tmp`);
      try {
        await writeFile(temporary, JSON.stringify({ ...entry, lastModified: entry.lastModified.toISOString() }), {
          mode: 0o600,
        });
        await rename(temporary, join(dir, `${id}.json`));
      } catch (error) {
        await rm(temporary, { force: true });
        await rm(join(dir, file), { force: true });
        throw error;
      }
      const previous = entries.get(key);
      entries.set(key, entry);
      if (!previous) this.sorted.delete(bucket);
      if (previous) await rm(join(dir, previous.file), { force: true });
      return publicView(entry);
    });
  }

  head(bucket: string, key: string): StoredObject | undefined {
    const entry = this.buckets.get(bucket)?.get(key);
    return entry && publicView(entry);
  }

  /** Opens the object's data; the caller closes the handle. Undefined when there is no such key. */
  async openObject(bucket: string, key: string): Promise<{ object: StoredObject; handle: FileHandle } | undefined> {
    // A PUT replacing the object may remove the old data file between lookup and open: look again once.
    for (let attempt = 0; attempt < 2; attempt++) {
      const entry = this.buckets.get(bucket)?.get(key);
      if (!entry) return undefined;
      try {
        const handle = await open(join(this.bucketDir(bucket), entry.file), 'r');
        return { object: publicView(entry), handle };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 1) throw error;
      }
    }
    return undefined;
  }

  async read(bucket: string, key: string): Promise<{ object: StoredObject; body: Buffer } | undefined> {
    const opened = await this.openObject(bucket, key);
    if (!opened) return undefined;
    try {
      return { object: opened.object, body: await opened.handle.readFile() };
    } finally {
      await opened.handle.close();
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    const entries = this.entries(bucket);
    await this.serialised(bucket, key, async () => {
      const entry = entries.get(key);
      if (!entry) return;
      const dir = this.bucketDir(bucket);
      await rm(join(dir, `${keyId(key)}.json`), { force: true });
      entries.delete(key);
      this.sorted.delete(bucket);
      await rm(join(dir, entry.file), { force: true });
    });
  }

  private sortedKeys(bucket: string): string[] {
    let keys = this.sorted.get(bucket);
    if (!keys) {
      keys = [...this.entries(bucket).keys()].sort(compareKeys);
      this.sorted.set(bucket, keys);
    }
    return keys;
  }

  /** One page of a listing, S3 style: keys in UTF-8 order, keys under a delimiter rolled up into CommonPrefixes. */
  list(bucket: string, options: ListOptions): ListPage {
    const entries = this.entries(bucket);
    const keys = this.sortedKeys(bucket);
    const prefix = options.prefix ?? '';
    const delimiter = options.delimiter ?? '';
    let start = 0;
    if (options.startAfter !== undefined) {
      const after = options.startAfter;
      // Binary search for the first key greater than startAfter.
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareKeys(keys[mid] ?? '', after) <= 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const contents: StoredObject[] = [];
    const commonPrefixes: string[] = [];
    let last: ListPage['last'];
    let isTruncated = false;
    for (const key of keys.slice(start)) {
      if (!key.startsWith(prefix)) {
        if (compareKeys(key, prefix) > 0) break; // sorted: past every key with this prefix
        continue;
      }
      if (options.skipPrefix !== undefined && key.startsWith(options.skipPrefix)) continue;
      let rolledUp: string | undefined;
      if (delimiter !== '') {
        const at = key.indexOf(delimiter, prefix.length);
        if (at !== -1) rolledUp = key.slice(0, at + delimiter.length);
      }
      if (rolledUp !== undefined && last?.isPrefix && last.key === rolledUp) continue;
      if (contents.length + commonPrefixes.length >= options.maxKeys) {
        isTruncated = true;
        break;
      }
      if (rolledUp !== undefined) {
        commonPrefixes.push(rolledUp);
        last = { key: rolledUp, isPrefix: true };
      } else {
        const entry = entries.get(key);
        if (entry) contents.push(publicView(entry));
        last = { key, isPrefix: false };
      }
    }
    return { contents, commonPrefixes, isTruncated, ...(last === undefined ? {} : { last }) };
  }

  /** Every object of a bucket (the sandbox's own reads), in key order. */
  listAll(bucket: string, prefix?: string): StoredObject[] {
    const all: StoredObject[] = [];
    let startAfter: string | undefined;
    for (;;) {
      const page = this.list(bucket, {
        maxKeys: 1000,
        ...(prefix === undefined ? {} : { prefix }),
        ...(startAfter === undefined ? {} : { startAfter }),
      });
      all.push(...page.contents);
      if (!page.isTruncated || page.last === undefined) return all;
      startAfter = page.last.key;
    }
  }
}
