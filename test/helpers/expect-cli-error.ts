import { CliError } from '../../src/lib/errors/cli-error.js';

/** Awaits a call that must fail with a CliError, and returns that error for assertions. */
export async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw new Error(`expected a CliError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail');
}

/** The same for a synchronous call. */
export function thrown(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}
