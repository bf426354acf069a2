/**
 * Webhook URLs are secrets: a Slack incoming-webhook URL is its own credential
 * (`https://hooks.slack.com/services/T…/B…/<token>`). Printed, they keep their origin and first
 * path segment so a person can tell them apart, and lose the rest and any query.
 */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(invalid URL)';
  }
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  const shown = segments.length > 0 ? `/${segments[0]}` : '';
  const hidden = segments.length > 1 || parsed.search !== '' ? '/…' : '';
  return `${parsed.origin}${shown}${hidden}`;
}
