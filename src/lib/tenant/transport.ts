/**
 * The fetch the GraphQL client uses. Node's global fetch ignores HTTPS_PROXY/NO_PROXY, so when a
 * proxy variable is set we route through undici's EnvHttpProxyAgent (imported only then).
 */
export type FetchLike = typeof fetch;

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** curl's convention, which undici follows too: the lower-case variable wins. */
function proxyVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] ?? env[name.toUpperCase()] ?? undefined;
}

export async function createFetch(env: NodeJS.ProcessEnv = process.env): Promise<FetchLike> {
  if (!PROXY_VARIABLES.some((name) => env[name])) return fetch;
  const undici = await import('undici');
  // The values are passed explicitly: EnvHttpProxyAgent would otherwise read process.env, not `env`.
  const dispatcher = new undici.EnvHttpProxyAgent({
    // '' (not undefined) means "none": undefined would make undici fall back to process.env.
    httpProxy: proxyVariable(env, 'http_proxy') ?? '',
    httpsProxy: proxyVariable(env, 'https_proxy') ?? '',
    noProxy: proxyVariable(env, 'no_proxy') ?? '',
  });
  return ((input: Parameters<FetchLike>[0], init?: Parameters<FetchLike>[1]) =>
    undici.fetch(input as Parameters<typeof undici.fetch>[0], {
      ...(init as Parameters<typeof undici.fetch>[1]),
      dispatcher,
    })) as unknown as FetchLike;
}
