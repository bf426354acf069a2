/**
 * Where an API key may travel. Over https it is protected; over plain http it is readable by anyone
 * on the path, which is fine only for the machine itself (the sandbox, a port-forward).
 */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127(?:\.\d{1,3}){3}$/.test(name) ||
    /^::ffff:127(?:\.\d{1,3}){3}$/.test(name)
  );
}

/** A warning to print before the API key is sent to `host`, or undefined when the transport is safe. */
export function insecureHostWarning(host: string): string | undefined {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return undefined;
  return `the API key is sent to ${url.host} over plain http, readable by anyone on the network path; use https://${url.host}${url.pathname === '/' ? '' : url.pathname}.`;
}
