import { readFile } from 'node:fs/promises';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { parsePolicyDocument } from '../policy/index.js';

/** Reads and checks a trust policy file (or stdin for "-") before anything is sent to the sandbox. */
export async function readTrustPolicy(file: string, readStdinText: () => Promise<string> = readStdin): Promise<string> {
  let text: string;
  try {
    text = file === '-' ? await readStdinText() : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read the trust policy: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      {
        code: 'FILE_UNREADABLE',
        exitCode: ExitCode.USAGE,
        location: { file },
        fix: 'Pass the path of a JSON trust policy, e.g. the nextSteps.trustPolicy that create:s3:assumedRole --json printed.',
      },
    );
  }
  const parsed = parsePolicyDocument(text);
  if (!parsed.ok) {
    const issue = parsed.error.issues[0];
    throw new CliError(`the trust policy is not a valid IAM policy: ${parsed.error.message}`, {
      code: 'POLICY_INVALID',
      exitCode: ExitCode.USAGE,
      location: { file: file === '-' ? '<stdin>' : file, ...(issue?.path ? { jsonPath: issue.path } : {}) },
      fix: 'Use the trust policy that `immuta audit exportConfig create:s3:assumedRole` printed.',
    });
  }
  return JSON.stringify(parsed.policy);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
