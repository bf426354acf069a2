import type { ObjectRef } from '../store.js';
import type { RetryOptions } from './retry.js';

/** How a remote source (S3, ADLS) lists, times out and retries: tests shorten it, a sync adds retry notes. */
export interface RemoteTuning extends RetryOptions {
  /** Objects per listing page (default the service's maximum: S3 1000, Azure 5000). */
  pageSize?: number;
  /** Per-request timeout (default 60 s). */
  requestTimeoutMs?: number;
}

/** Where exported objects are read from: a folder, an S3 prefix (also the sandbox's bucket). */
export interface ObjectSource {
  /** A stable one-line description for messages and the result (no secrets). */
  readonly label: string;
  /** Every object under the source, sorted by key. */
  list(signal: AbortSignal): Promise<ObjectRef[]>;
  /** The object's bytes as stored (gzip or plain). */
  read(object: ObjectRef, signal: AbortSignal): Promise<Buffer>;
  /** The same bytes as they are read, where the source can (a big object is then never held whole). */
  open?(object: ObjectRef, signal: AbortSignal): AsyncIterable<Buffer>;
  /** Pass over this local folder when listing (the store, when it lives inside a source folder). */
  exclude?(folder: string): void;
  close?(): void;
}
