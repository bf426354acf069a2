import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { parsePolicyDocument } from '../policy/index.js';
import { SmallFileError, readSmallRegularFile } from '../util/small-file.js';

/** A trust policy is a few KiB (IAM allows at most 4,096 characters); anything larger is the wrong file. */
export const MAX_POLICY_BYTES = 1024 * 1024;

function unreadable(file: string, message: string): CliError {
  return new CliError(`cannot read the trust policy: ${message}`, {
    code: 'FILE_UNREADABLE',
    exitCode: ExitCode.USAGE,
    location: { file },
    fix: 'Pass the path of a JSON trust policy, e.g. the nextSteps.trustPolicy that create:s3:assumedRole --json printed.',
  });
}

/**
 * The file's text. Only a regular file is read, and at most MAX_POLICY_BYTES of it: a FIFO waited
 * for a writer for ever, and /dev/zero was read into memory until it failed (600 MB, 6 s).
 */
async function readPolicyFile(file: string): Promise<string> {
  try {
    return (await readSmallRegularFile(file, MAX_POLICY_BYTES)).toString('utf8');
  } catch (error) {
    if (!(error instanceof SmallFileError)) throw error;
    const { problem } = error;
    if (problem.kind === 'directory') throw unreadable(file, `${file} is a directory`);
    if (problem.kind === 'special') throw unreadable(file, `${file} is ${problem.what}, not a regular file`);
    if (problem.kind === 'too-large')
      throw unreadable(file, `${file} is larger than ${MAX_POLICY_BYTES / 1024} KiB; a trust policy is a few KiB`);
    throw unreadable(file, problem.code === 'ENOENT' ? 'no such file' : `${file} (${problem.code})`);
  }
}

/** Reads and checks a trust policy file (or stdin for "-") before anything is sent to the sandbox. */
export async function readTrustPolicy(file: string, readStdinText: () => Promise<string>): Promise<string> {
  const text = file === '-' ? await readStdinText() : await readPolicyFile(file);
  const name = file === '-' ? '<stdin>' : file;
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    throw new CliError(`the trust policy ${file === '-' ? '(standard input)' : name} is empty`, {
      code: 'POLICY_INVALID',
      exitCode: ExitCode.USAGE,
      location: { file: name },
      fix: 'Use the trust policy that `immuta audit exportConfig create:s3:assumedRole` printed.',
    });
  }
  const parsed = parsePolicyDocument(text);
  if (!parsed.ok) {
    const issue = parsed.error.issues[0];
    throw new CliError(`the trust policy is not a valid IAM policy: ${parsed.error.message}`, {
      code: 'POLICY_INVALID',
      exitCode: ExitCode.USAGE,
      location: { file: name, ...(issue?.path ? { jsonPath: issue.path } : {}) },
      fix: 'Use the trust policy that `immuta audit exportConfig create:s3:assumedRole` printed.',
    });
  }
  return JSON.stringify(parsed.policy);
}
