import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../../errors/cli-error.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { STATE_FILE } from '../constants.js';
import { removeAbandonedTemporaries, writeFileAtomic } from './atomic-write.js';
import { Mutex } from './mutex.js';
import { type State, StateSchema } from './schema.js';

export function emptyState(seed: string = randomBytes(4).toString('hex')): State {
  return {
    version: 1,
    seed,
    jobSequence: 0,
    apiKeys: [],
    tokens: [],
    configurations: [],
    jobs: [],
    roles: [],
    webhooks: [],
  };
}

/**
 * The sandbox's state: held in memory, changed only through `update` (one at a time), and written
 * to `<data-dir>/state.json` atomically after every change, so a restart (or a crash) loses nothing
 * that was answered to a client.
 */
export class StateStore {
  readonly path: string;
  private state: State;
  private readonly mutex = new Mutex();

  private constructor(path: string, state: State) {
    this.path = path;
    this.state = state;
  }

  static async open(dataDir: string): Promise<StateStore> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, STATE_FILE);
    // Copies of the state (with its secrets) that a kill -9 left behind mid-write.
    await removeAbandonedTemporaries(dataDir);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === undefined) {
      const store = new StateStore(path, emptyState());
      await store.update(() => undefined);
      return store;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw invalidState(path, 'it is not JSON');
    }
    const parsed = StateSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalidState(path, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    return new StateStore(path, parsed.data);
  }

  /** A consistent snapshot for reading. Do not mutate it: use `update`. */
  get snapshot(): Readonly<State> {
    return this.state;
  }

  /**
   * Runs `change` on a copy of the state, then persists the copy and makes it current. If `change`
   * throws, nothing changes. Changes run one at a time, in call order.
   */
  update<T>(change: (draft: State) => T | Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const draft = structuredClone(this.state);
      const result = await change(draft);
      const checked = StateSchema.parse(draft);
      await writeFileAtomic(this.path, `${JSON.stringify(checked)}\n`);
      this.state = checked;
      return result;
    });
  }

  /** Waits for queued changes (used at shutdown). */
  flush(): Promise<void> {
    return this.mutex.idle();
  }
}

function invalidState(path: string, why: string): CliError {
  return new CliError(`the sandbox state file is damaged: ${why}`, {
    code: 'SANDBOX_STATE_INVALID',
    exitCode: ExitCode.USAGE,
    location: { file: path },
    // Removing the file is a fix too, but it loses the configurations and keys: say so.
    fix: `Move the data directory away (or pass another --data-dir), or repair ${path} (removing it starts the sandbox empty), and start the sandbox again.`,
  });
}
