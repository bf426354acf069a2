import { execFile } from 'node:child_process';
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export async function findBrowser(explicit: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const candidate of [explicit, env.CHROMIUM_PATH, ...BROWSER_CANDIDATES]) {
    if (!candidate) continue;
    try {
      await access(candidate);
      return candidate;
    } catch {
      if (candidate === explicit) break;
    }
  }
  return undefined;
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
    throw new CliError('--format pdf needs Chromium, and none was found', {
      code: 'BROWSER_NOT_FOUND',
      exitCode: ExitCode.USAGE,
      fix: 'Install it (Debian: `apt-get install chromium`) or name it with --browser / CHROMIUM_PATH; or write HTML and print it from any browser.',
    });
  }
  const profile = await mkdtemp(join(tmpdir(), 'immuta-report-browser-'));
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
          `--print-to-pdf=${options.out}`,
          pathToFileURL(options.html).toString(),
        ],
        { timeout: PRINT_TIMEOUT_MS, signal: options.signal, maxBuffer: 1024 * 1024 },
        (error, _stdout, stderr) => {
          if (error) {
            reject(
              new CliError(
                `Chromium could not print the PDF: ${String(stderr).trim().split('\n').pop() ?? error.message}`,
                {
                  code: 'PDF_FAILED',
                  exitCode: ExitCode.BUG,
                  fix: 'Write the HTML (--format html) and print it from a browser.',
                  cause: error,
                },
              ),
            );
          } else resolve();
        },
      );
    });
    if ((await stat(options.out)).size === 0) throw new Error('Chromium wrote an empty PDF');
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
