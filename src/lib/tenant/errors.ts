import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { ErrorCode } from '../errors/catalogue.js';
import { immutaCli } from '../config/cli-prefix.js';
import type { SettingSource } from '../config/tenant-settings.js';
import { escapeLine } from '../output/control-codes.js';
import { capText } from '../output/cap-text.js';

/** What went wrong talking to the tenant, in terms a user can act on. */
export type TenantFailure =
  | { kind: 'http'; status: number; contentType: string | null; graphqlMessages: string[]; retryAfterMs?: number }
  | {
      kind: 'graphql';
      messages: string[];
      codes: string[];
      /** The answer's `data` held a result all the same (a partial answer): for a mutation, it ran. */
      partial?: { id?: string };
    }
  | { kind: 'not-graphql'; contentType: string | null; detail?: string }
  | { kind: 'network'; code: string; message: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'redirect'; status: number; location: string }
  /** The proxy (HTTPS_PROXY/HTTP_PROXY) refused the tunnel to the tenant: nothing reached it. */
  | { kind: 'proxy-refused'; status: number }
  | { kind: 'too-large'; limitBytes: number };

/** What is printed of one remote text (a GraphQL error message, a Location header) at most. */
export const MAX_REMOTE_TEXT = 300;

/** Cuts a text that came from the tenant to MAX_REMOTE_TEXT characters (see capText). */
export function capRemoteText(text: string, limit = MAX_REMOTE_TEXT): string {
  return capText(text, limit);
}

/** A URL without its user name and password (`http://admin:pw@host` must never be echoed whole). */
export function safeUrlForDisplay(raw: string): string {
  try {
    const url = new URL(raw);
    if (!url.username && !url.password) return raw;
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, raw.endsWith('/') ? '/' : '');
  } catch {
    return raw.replace(/\/\/[^/?#\s]*@/, '//'); // to the last "@": a password may hold one
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME']);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);
/** The connection was established, then cut mid-way. */
const CUT_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
/** Network failures worth retrying for reads: the next attempt may well succeed. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function isRetryable(failure: TenantFailure): boolean {
  switch (failure.kind) {
    case 'http':
      return failure.status === 429 || failure.status >= 500;
    case 'network':
      return TRANSIENT_CODES.has(failure.code);
    case 'timeout':
      return true;
    default:
      return false;
  }
}

/** Finds the system error code (ENOTFOUND, CERT_HAS_EXPIRED...) inside fetch's nested causes. */
export function networkCode(error: unknown): { code: string; message: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && candidate.code !== 'ERR_INVALID_ARG_TYPE') {
      return {
        code: candidate.code,
        message: typeof candidate.message === 'string' ? candidate.message : candidate.code,
      };
    }
    current = candidate.cause;
  }
  // fetch's own refusals (e.g. "bad port") carry no code: report the innermost message.
  const outer = error as { message?: unknown; cause?: { message?: unknown } } | null;
  if (outer?.message === 'fetch failed') {
    return {
      code: 'FETCH_FAILED',
      message: typeof outer.cause?.message === 'string' ? outer.cause.message : 'fetch failed',
    };
  }
  return undefined;
}

/**
 * A mutation whose request may have reached the tenant: `check` is the command (with its profile)
 * that shows whether the change was made.
 */
export interface MutationContext {
  check: string;
}

/**
 * A mutation that timed out, lost its connection or got a 5xx (a gateway's 502/504 comes after the
 * request was passed on) may still have been applied: the tenant can have received it and only the
 * answer was lost. "Try again" could then make a second configuration (a create is not idempotent),
 * so the fix says to look first.
 */
function uncertainMutation(
  cause: string,
  mutation: MutationContext,
  host: string,
  code: Extract<ErrorCode, 'TENANT_TIMEOUT' | 'TENANT_UNREACHABLE' | 'TENANT_SERVER_ERROR'>,
): CliError {
  return new CliError(`${cause}; the change may have been made all the same`, {
    code,
    exitCode: ExitCode.TENANT,
    fix: `Check with \`${mutation.check}\` whether it was before running the command again (a second create makes a duplicate)${code === 'TENANT_TIMEOUT' ? '; if the tenant is slow, raise IMMUTA_TIMEOUT (milliseconds)' : ''}.`,
    details: { host, changeMayHaveBeenMade: true },
  });
}

/**
 * Remote text inside our one-line message: a newline in a tenant's error message would start a line
 * that looks like ours (`  Fix: ...`) on a terminal, and break `jq -r .error.message` in a CI log.
 */
function remoteInline(messages: readonly string[]): string {
  return messages.map((message) => escapeLine(message)).join('; ');
}

function timeoutText(timeoutMs: number): string {
  return `the tenant did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`;
}

/** Where the run's tenant URL and API key came from: a fix must change the setting that was used. */
export interface SettingsOrigin {
  profile: string;
  hostSource: SettingSource;
  apiKeySource: SettingSource;
}

/**
 * How to replace a refused key. IMMUTA_API_KEY wins over the profile, so when it was the one used,
 * `immuta configure` would change nothing: the variable (a CI secret, usually) is what to fix.
 */
function keyFix(origin: SettingsOrigin | undefined): string {
  const newKey = 'a new API key from your Immuta profile page (API Keys tab)';
  if (origin?.apiKeySource === 'env')
    return `The key comes from IMMUTA_API_KEY (it takes precedence over the profile): set it to ${newKey}.`;
  return `Create ${newKey} and run \`${immutaCli(origin?.profile)} configure\`.`;
}

/**
 * Where to correct the tenant URL: --host or IMMUTA_HOST when it was the one used (each wins over
 * what follows it, so `configure` would change nothing), else `configure` for the profile.
 */
function hostSetting(origin: SettingsOrigin | undefined): string {
  if (origin?.hostSource === 'flag') return 'the --host given, which takes precedence over IMMUTA_HOST and the profile';
  return origin?.hostSource === 'env'
    ? 'IMMUTA_HOST, which takes precedence over the profile'
    : `\`${immutaCli(origin?.profile)} configure\``;
}

/**
 * One CliError per failure class, each with its fix. `host` is the tenant URL (never secret);
 * `mutation` is given when the request would have changed something; `origin` says where the URL
 * and key came from (flags, environment, profile), so that the fix names the right one.
 */
export function tenantError(
  failure: TenantFailure,
  host: string,
  mutation?: MutationContext,
  origin?: SettingsOrigin,
): CliError {
  const at = { details: { host } };
  switch (failure.kind) {
    case 'http': {
      const detail = failure.graphqlMessages.length > 0 ? `: ${remoteInline(failure.graphqlMessages)}` : '';
      if (failure.status === 401) {
        return new CliError(`the tenant rejected the API key (HTTP 401)${detail}`, {
          code: 'TENANT_UNAUTHORIZED',
          exitCode: ExitCode.AUTH,
          fix: keyFix(origin),
          ...at,
        });
      }
      if (failure.status === 403) {
        return new CliError(`the API key's user is not allowed to manage audit exports (HTTP 403)${detail}`, {
          code: 'TENANT_FORBIDDEN',
          exitCode: ExitCode.AUTH,
          fix: 'Ask an Immuta user admin to grant the AUDIT permission to this user, or use a key of a user who has it.',
          ...at,
        });
      }
      // A 5xx or 429 is the server's (or its gateway's) whatever the body: load balancers and proxies
      // answer them as HTML pages. Only other statuses with a body that is not JSON mean a wrong URL.
      if (failure.status === 404 || (!isJson(failure.contentType) && failure.status !== 429 && failure.status < 500)) {
        return new CliError(
          `${host} did not answer as an Immuta audit service (HTTP ${failure.status}${failure.contentType ? `, ${failure.contentType.split(';')[0]}` : ''})`,
          {
            code: 'TENANT_NOT_AUDIT_ENDPOINT',
            exitCode: ExitCode.TENANT,
            fix: `Check the tenant URL (it is the address you open Immuta at, without /api/...): ${hostSetting(origin)}.`,
            ...at,
          },
        );
      }
      if (failure.status === 429) {
        return new CliError(`the tenant is rate-limiting requests (HTTP 429)${detail}`, {
          code: 'TENANT_RATE_LIMITED',
          exitCode: ExitCode.TENANT,
          fix: 'Wait a minute and try again.',
          ...at,
        });
      }
      if (mutation && failure.status >= 500)
        return uncertainMutation(
          `the tenant failed to answer (HTTP ${failure.status})${detail}`,
          mutation,
          host,
          'TENANT_SERVER_ERROR',
        );
      return new CliError(`the tenant failed to answer (HTTP ${failure.status})${detail}`, {
        code: failure.status >= 500 ? 'TENANT_SERVER_ERROR' : 'TENANT_HTTP_ERROR',
        exitCode: ExitCode.TENANT,
        fix:
          failure.status >= 500
            ? 'The Immuta audit service is failing: try again later, or contact Immuta support.'
            : 'Check the tenant URL and the CLI version.',
        ...at,
      });
    }
    case 'graphql': {
      const authLike = failure.codes.some((c) => /UNAUTHENTICATED|FORBIDDEN|UNAUTHORIZED/i.test(c));
      const message = `the tenant answered with an error: ${remoteInline(failure.messages) || 'unknown GraphQL error'}`;
      const graphqlErrors = failure.messages.map((m) => capRemoteText(m));
      if (mutation && failure.partial) {
        // The mutation's own field came back with a value: it ran. Running the command again would
        // make a second configuration (create) or act twice; what to do is look first.
        const id = failure.partial.id;
        // The id is the tenant's text too: on one line in the message, as sent in details.
        return new CliError(`${message}; the change was made all the same${id ? ` (id ${escapeLine(id)})` : ''}`, {
          code: 'TENANT_GRAPHQL_ERROR',
          exitCode: ExitCode.TENANT,
          fix: `Check with \`${mutation.check}\` before running the command again (a second create makes a duplicate).`,
          details: { host, graphqlErrors, changeMayHaveBeenMade: true, ...(id ? { id } : {}) },
        });
      }
      return new CliError(message, {
        code: authLike ? 'TENANT_FORBIDDEN' : 'TENANT_GRAPHQL_ERROR',
        exitCode: authLike ? ExitCode.AUTH : ExitCode.TENANT,
        fix: authLike
          ? 'Check that the API key belongs to a user with the AUDIT permission.'
          : 'Check the values sent (`--dry-run` shows them); if they are right, the tenant may not support this operation yet.',
        details: { host, graphqlErrors },
      });
    }
    case 'redirect':
      return new CliError(
        `${host} redirected the request (HTTP ${failure.status}) to ${failure.location}; the CLI does not follow redirects to another address`,
        {
          code: 'TENANT_REDIRECTED',
          exitCode: ExitCode.TENANT,
          fix: 'Nothing was sent there. If that address is your Immuta tenant, use it as the tenant URL (`immuta configure`, --host); otherwise check the URL and any proxy in between.',
          details: { host, status: failure.status, location: failure.location },
        },
      );
    case 'proxy-refused': {
      const variable = host.startsWith('http:') ? 'HTTP_PROXY' : 'HTTPS_PROXY';
      const why = failure.status === 407 ? ': it wants proxy credentials' : '';
      return new CliError(`the proxy refused the connection to ${host} (HTTP ${failure.status}${why})`, {
        code: 'TENANT_UNREACHABLE',
        exitCode: ExitCode.TENANT,
        fix:
          failure.status === 407
            ? `Put the proxy's user and password in ${variable} (http://user:password@proxy.example.com:3128), or list the tenant's host in NO_PROXY if it is reached without the proxy.`
            : `Check ${variable} and NO_PROXY: the proxy does not let this host and port through (ask its administrators), or the tenant is reached without it.`,
        details: { host, proxyStatus: failure.status },
      });
    }
    case 'too-large':
      return new CliError(
        `the answer from ${host} is larger than ${Math.round(failure.limitBytes / 1024 / 1024)} MiB; reading stopped there`,
        {
          code: 'TENANT_ANSWER_TOO_LARGE',
          exitCode: ExitCode.TENANT,
          fix: 'The audit API answers in kilobytes: check the tenant URL (and any proxy in between).',
          ...at,
        },
      );
    case 'not-graphql':
      return new CliError(
        `${host} answered, but not with GraphQL JSON (${failure.detail ?? failure.contentType ?? 'no content type'})`,
        {
          code: 'TENANT_NOT_AUDIT_ENDPOINT',
          exitCode: ExitCode.TENANT,
          fix: `Check the tenant URL: it must be your Immuta address, e.g. https://your-immuta.com (${hostSetting(origin)}).`,
          ...at,
        },
      );
    case 'network': {
      if (DNS_CODES.has(failure.code)) {
        return new CliError(`cannot resolve the tenant host ${new URL(host).hostname} (${failure.code})`, {
          code: 'TENANT_DNS',
          exitCode: ExitCode.TENANT,
          fix: 'Check the tenant URL for typos and that this machine can resolve it (VPN, proxy: HTTPS_PROXY).',
          ...at,
        });
      }
      if (TLS_CODES.has(failure.code)) {
        return new CliError(`the TLS connection to ${host} failed: ${failure.code}`, {
          code: 'TENANT_TLS',
          exitCode: ExitCode.TENANT,
          fix: 'If your tenant uses a private CA, point NODE_EXTRA_CA_CERTS at its PEM bundle; check the URL and the certificate.',
          ...at,
        });
      }
      if (CUT_CODES.has(failure.code)) {
        const cause = `the connection to ${host} was closed before the answer arrived (${failure.code})`;
        if (mutation) return uncertainMutation(cause, mutation, host, 'TENANT_UNREACHABLE');
        return new CliError(cause, {
          code: 'TENANT_UNREACHABLE',
          exitCode: ExitCode.TENANT,
          fix: 'Try again; if it persists, check proxies and firewalls between here and the tenant (HTTPS_PROXY/NO_PROXY).',
          ...at,
        });
      }
      return new CliError(
        `cannot reach ${host} (${failure.code === 'FETCH_FAILED' ? failure.message : failure.code})`,
        {
          code: 'TENANT_UNREACHABLE',
          exitCode: ExitCode.TENANT,
          fix:
            failure.code === 'ECONNREFUSED'
              ? 'Check the URL and port; is the tenant (or `immuta sandbox start`) running?'
              : 'Check the network, proxy settings (HTTPS_PROXY/NO_PROXY) and the URL.',
          ...at,
        },
      );
    }
    case 'timeout':
      if (mutation) return uncertainMutation(timeoutText(failure.timeoutMs), mutation, host, 'TENANT_TIMEOUT');
      return new CliError(timeoutText(failure.timeoutMs), {
        code: 'TENANT_TIMEOUT',
        exitCode: ExitCode.TENANT,
        fix: 'Try again; if it persists, check the network or raise IMMUTA_TIMEOUT (milliseconds).',
        ...at,
      });
  }
}

/** The tenant answered GraphQL, but not in the shape the CLI relies on (exit 5, not a bug: exit 1). */
export function unexpectedAnswer(operation: string, detail: string, host: string): CliError {
  return new CliError(`the tenant's answer to ${operation} is not what this CLI expects (${detail})`, {
    code: 'TENANT_UNEXPECTED_ANSWER',
    exitCode: ExitCode.TENANT,
    fix: 'Check the tenant URL; if it is right, the audit API may have changed: report it with the output of DEBUG=immuta* (secrets are redacted).',
    details: { host, operation },
  });
}

function isJson(contentType: string | null): boolean {
  return contentType === null || /json/i.test(contentType);
}
