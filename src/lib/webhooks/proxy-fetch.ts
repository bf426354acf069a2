import type { FetchLike } from '../util/guarded-fetch.js';
import { proxyConfigured, proxyOptions } from '../tenant/transport.js';

/**
 * fetch through HTTPS_PROXY / HTTP_PROXY (NO_PROXY honoured), as the tenant's GraphQL requests go,
 * when one is set; undefined (the global fetch, which ignores them) otherwise. Without it, behind a
 * proxy `webhooks list` failed where `exportConfig list` on the same tenant worked, and `logs watch`
 * could not reach Slack. undici is imported only then.
 */
export async function proxyFetch(env: NodeJS.ProcessEnv): Promise<FetchLike | undefined> {
  if (!proxyConfigured(env)) return undefined;
  const options = proxyOptions(env);
  const undici = await import('undici');
  const dispatcher = new undici.EnvHttpProxyAgent(options);
  const viaProxy = (input: string | URL | Request, init?: RequestInit) =>
    undici.fetch(input as string, { ...(init as object), dispatcher });
  return viaProxy as unknown as FetchLike;
}
