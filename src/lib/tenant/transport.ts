/**
 * The fetch the GraphQL client uses. Node's global fetch ignores HTTPS_PROXY/NO_PROXY, so when a
 * proxy variable is set we route through undici's EnvHttpProxyAgent (imported only then).
 */
export type FetchLike = typeof fetch;

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

export async function createFetch(env: NodeJS.ProcessEnv = process.env): Promise<FetchLike> {
  if (!PROXY_VARIABLES.some((name) => env[name])) return fetch;
  const undici = await import('undici');
  const dispatcher = new undici.EnvHttpProxyAgent();
  return ((input: Parameters<FetchLike>[0], init?: Parameters<FetchLike>[1]) =>
    undici.fetch(input as Parameters<typeof undici.fetch>[0], { ...(init as Parameters<typeof undici.fetch>[1]), dispatcher })) as unknown as FetchLike;
}
