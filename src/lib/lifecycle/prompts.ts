/**
 * Prompts and standard input for commands that may ask. Prompts draw on stderr, so stdout keeps
 * only the command's result (also with --json); the inquirer packages are imported only when a
 * prompt is really shown. Callers check `caps.interactive` first.
 */
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';

/** Inquirer rejects with ExitPromptError on Ctrl-C (raw mode: no SIGINT): that is exit 130, not a bug. */
function interrupted(error: unknown): unknown {
  if ((error as { name?: string } | null)?.name === 'ExitPromptError') {
    return new CliError('interrupted', { code: 'INTERRUPTED', exitCode: ExitCode.INTERRUPTED });
  }
  return error;
}

export async function confirmPrompt(message: string, defaultValue = false): Promise<boolean> {
  const { default: confirm } = await import('@inquirer/confirm');
  try {
    return await confirm({ message, default: defaultValue }, { output: process.stderr });
  } catch (error) {
    throw interrupted(error);
  }
}

/** A masked prompt: the typed key is never echoed. */
export async function secretPrompt(message: string): Promise<string> {
  const { default: password } = await import('@inquirer/password');
  try {
    return (await password({ message, mask: '*' }, { output: process.stderr })).trim();
  } catch (error) {
    throw interrupted(error);
  }
}

/** A plain one-line question (not secret), with the current value as the default. */
export async function linePrompt(message: string, defaultValue?: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const onSigint = () => rl.close();
  rl.once('SIGINT', onSigint);
  try {
    const answer = await rl.question(`${message}${defaultValue ? ` [${defaultValue}]` : ''}: `);
    return answer.trim() || (defaultValue ?? '');
  } catch (error) {
    // readline rejects with AbortError when closed by Ctrl-C.
    throw new CliError('interrupted', { code: 'INTERRUPTED', exitCode: ExitCode.INTERRUPTED, cause: error });
  } finally {
    rl.close();
  }
}

/** Reads a stream until EOF (oclif's own stdin helper gives up after 10 ms). */
export async function readAll(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
