/**
 * Webhook URLs are secrets: a Slack incoming-webhook URL is its own credential
 * (`https://hooks.slack.com/services/T…/B…/<token>`). Printed, they keep their origin only, and
 * `/…` for whatever path and query they had. The first path segment was kept once, to tell
 * receivers apart; but it tells nothing on the common hosts (Slack's is always `services`) and is
 * the token itself on others (`https://hooks.example.com/<token>`).
 */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(invalid URL)';
  }
  const hidden = parsed.pathname.replace(/\/+$/, '') !== '' || parsed.search !== '' ? '/…' : '';
  return `${parsed.origin}${hidden}`;
}

/**
 * A URL the user typed, as an error may repeat it: without its query string or fragment (a presigned
 * S3 URL's signature and session token, a SAS token) and without user info (a password).
 */
export function urlWithoutCredentials(text: string): string {
  // User info to the authority's last "@"; or `user:` and anything but a port, to the text's last
  // "@": an AWS secret key often holds a "/", which ends the authority as a URL parser reads it
  // (`https://KEY:wJal/rXU@host/x`), and the secret was printed whole.
  return text
    .replace(/[?#][\s\S]*$/, '')
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)(?:[^/]*@|[^/@:]*:(?!\d*(?:\/|$))[^@]*@)/i, '$1');
}
