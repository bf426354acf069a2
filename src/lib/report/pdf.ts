import { type ExecFileException, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';

/**
 * `--format pdf`: Chromium prints the same page (its print styles apply) with its own
 * --print-to-pdf, so no browser-driving library is needed at run time. The page makes no requests,
 * and the browser runs with a throw-away profile and its background networking off.
 */
export const BROWSER_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const PRINT_TIMEOUT_MS = 120_000;

/** A file this user may run: a folder or a file without the x bit failed later as an empty "could not print". */
async function runnable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * --browser, else CHROMIUM_PATH, else the first of BROWSER_CANDIDATES this user can run. A browser
 * the user named (either way) that cannot be run is not replaced by another one without a word.
 */
export async function findBrowser(explicit: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const named = explicit || env.CHROMIUM_PATH;
  if (named) return (await runnable(named)) ? named : undefined;
  for (const candidate of BROWSER_CANDIDATES) if (await runnable(candidate)) return candidate;
  return undefined;
}

/** Why the browser failed, in one line: its last line on stderr, else how it ended. */
function failureReason(error: ExecFileException, stderr: string): string {
  const last = stderr
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .pop();
  if (last) return last;
  if (error.killed || error.signal) return `it was stopped (${error.signal ?? 'timeout'})`;
  if (typeof error.code === 'number') return `it exited with code ${error.code} and said nothing`;
  return error.code ?? error.message;
}

export async function printPdf(options: {
  html: string;
  out: string;
  browser: string | undefined;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}): Promise<void> {
  const browser = await findBrowser(options.browser, options.env);
  if (!browser) {
    const named = options.browser || options.env.CHROMIUM_PATH;
    throw new CliError(
      named ? `${named} is not a program this user can run` : '--format pdf needs Chromium, and none was found',
      {
        code: 'BROWSER_NOT_FOUND',
        exitCode: ExitCode.USAGE,
        fix: 'Install it (Debian: `apt-get install chromium`) or name it with --browser / CHROMIUM_PATH; or write HTML and print it from any browser.',
      },
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'immuta-report-browser-'));
  // Printed beside --out, then renamed over it: a browser that writes nothing is told from one that
  // printed even when --out holds last run's PDF (which was reported as written), and a print that
  // fails part way leaves that PDF whole.
  const printed = join(
    dirname(options.out),
    `.${basename(options.out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp.pdf`,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        browser,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--user-data-dir=${profile}`,
          '--no-pdf-header-footer',
          '--run-all-compositor-stages-before-draw',
          `--print-to-pdf=${printed}`,
          pathToFileURL(options.html).toString(),
        ],
        { timeout: PRINT_TIMEOUT_MS, signal: options.signal, maxBuffer: 1024 * 1024 },
        (error, _stdout, stderr) => {
          if (error) {
            reject(
              new CliError(`Chromium could not print the PDF: ${failureReason(error, String(stderr))}`, {
                code: 'PDF_FAILED',
                exitCode: ExitCode.BUG,
                fix: 'Write the HTML (--format html) and print it from a browser.',
                cause: error,
              }),
            );
          } else resolve();
        },
      );
    });
    // A browser that exits 0 without printing (not Chromium, or one that ignores --print-to-pdf):
    // said as such, where the missing file was reported as --out's folder being gone.
    const written = await stat(printed).catch(() => undefined);
    if (!written?.size) {
      throw new CliError(`${browser} exited without writing the PDF`, {
        code: 'PDF_FAILED',
        exitCode: ExitCode.BUG,
        fix: 'Name Chromium with --browser or CHROMIUM_PATH; or write the HTML (--format html) and print it from a browser.',
      });
    }
    await rename(printed, options.out);
  } finally {
    await rm(printed, { force: true });
    await rm(profile, { recursive: true, force: true });
  }
}
