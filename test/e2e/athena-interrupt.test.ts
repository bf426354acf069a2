/**
 * Ctrl-C on `--engine athena` in a real process: the query is stopped on Athena (StopQueryExecution
 * arrives) before the process exits 130. Only a real process shows this (the signal handler and the
 * exit); the Athena it talks to is a minimal AWS JSON 1.1 server on 127.0.0.1 (nock does not reach
 * into a child process). Needs `npm run build`.
 */
import { spawn } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { BIN, ROOT, childEnvironment } from '../helpers/run-cli.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** An Athena whose one query stays RUNNING until it is stopped. */
async function hangingAthena(): Promise<{ endpoint: string; operations: string[] }> {
  const operations: string[] = [];
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AmazonAthena\./, '');
      operations.push(operation);
      const stopped = operations.includes('StopQueryExecution');
      const answer =
        operation === 'StartQueryExecution'
          ? { QueryExecutionId: 'qe-hang' }
          : operation === 'GetQueryExecution'
            ? { QueryExecution: { QueryExecutionId: 'qe-hang', Status: { State: stopped ? 'CANCELLED' : 'RUNNING' } } }
            : {};
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, operations };
}

it('130: Ctrl-C while Athena runs the query stops it first', async () => {
  const athena = await hangingAthena();
  const child = spawn(
    process.execPath,
    [BIN, 'audit', 'logs', 'sql', 'SELECT * FROM events_raw', '--engine', 'athena'],
    {
      cwd: ROOT,
      env: childEnvironment({
        AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake-secret-for-the-test',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_ATHENA: athena.endpoint,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  // Interrupt once the query is running (polled at least once).
  for (let i = 0; i < 400 && !athena.operations.includes('GetQueryExecution'); i++)
    await new Promise((resolve) => setTimeout(resolve, 25));
  expect(athena.operations).toContain('GetQueryExecution');
  child.kill('SIGINT');
  expect(await closed).toBe(130);
  expect(athena.operations).toContain('StopQueryExecution');
  expect(stderr).toContain('qe-hang stopped');
}, 20_000);
