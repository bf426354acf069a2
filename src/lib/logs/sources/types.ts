import type { ObjectRef } from '../store.js';

/** Where exported objects are read from: a folder, an S3 prefix (also the sandbox's bucket). */
export interface ObjectSource {
  /** A stable one-line description for messages and the result (no secrets). */
  readonly label: string;
  /** Every object under the source, sorted by key. */
  list(signal: AbortSignal): Promise<ObjectRef[]>;
  /** The object's bytes as stored (gzip or plain). */
  read(object: ObjectRef, signal: AbortSignal): Promise<Buffer>;
  close?(): void;
}
