import type { CommandIO } from '../../io/command-io.js';
import { resolveDataDir } from '../flags.js';

export interface StopOptions {
  dataDir?: string;
}

export interface StopOutput {
  dataDir: string;
  /** Whether a sandbox was running (and is now stopped). */
  wasRunning: boolean;
  pid: number | null;
  /** True when it did not stop within 10 s of SIGTERM and was killed. */
  forced: boolean;
}

/** `sandbox stop`: SIGTERM to the sandbox of the data directory, SIGKILL after 10 s; exit 0 also when none ran. */
export async function runSandboxStop(options: StopOptions, io: CommandIO): Promise<StopOutput> {
  const dataDir = resolveDataDir(options.dataDir, io.env);
  const { stopSandboxProcess } = await import('../process.js');
  const progress = await io.progress('Stopping the sandbox');
  const result = await stopSandboxProcess(dataDir);
  progress.stop();
  if (result.wasRunning)
    io.out(
      `Sandbox stopped (pid ${result.pid ?? '?'}${result.forced ? ', killed after 10 s' : ''}). Its state stays in ${dataDir}.`,
    );
  else io.note(`No sandbox is running on ${dataDir}.`);
  return { dataDir, ...result };
}
