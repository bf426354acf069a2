import { describe, expect, it } from 'vitest';
import { maskUrl, urlWithoutCredentials } from '../../../src/lib/util/mask-url.js';

describe('maskUrl', () => {
  it('keeps the origin only: no path segment, query or credentials', () => {
    expect(maskUrl('https://hooks.slack.com/services/T000/B000/XXXXsecret')).toBe('https://hooks.slack.com/…');
    // A receiver whose token is the first path segment.
    expect(maskUrl('https://hooks.example.com/9f8e7d6c5b4a3f2e1d0c/')).toBe('https://hooks.example.com/…');
    expect(maskUrl('https://hooks.example.com/?token=abc123secret')).toBe('https://hooks.example.com/…');
    expect(maskUrl('https://user:pass@hooks.example.com:8443/x')).toBe('https://hooks.example.com:8443/…');
    expect(maskUrl('https://hooks.example.com/')).toBe('https://hooks.example.com');
    expect(maskUrl('not a url')).toBe('(invalid URL)');
  });
});

describe('urlWithoutCredentials', () => {
  it('drops the query, the fragment and user info, also a password holding "/" (an AWS secret key often does)', () => {
    expect(urlWithoutCredentials('gs://KEY:pw@bucket/x?sig=abc#f')).toBe('gs://bucket/x');
    // The "/" ends the authority as a URL parser reads it: the secret's tail and its "@" fell in the path.
    expect(urlWithoutCredentials('https://AKIAEX:wJalrXUtnFEMI/K7MDENGbPx@bucket.s3.amazonaws.com/x')).toBe(
      'https://bucket.s3.amazonaws.com/x',
    );
    // A port, or an "@" in the path, is not user info.
    expect(urlWithoutCredentials('https://host:8443/users/a@example.com')).toBe(
      'https://host:8443/users/a@example.com',
    );
    expect(urlWithoutCredentials('https://host/users/a@example.com')).toBe('https://host/users/a@example.com');
    expect(urlWithoutCredentials('gs://bucket/a:b@c')).toBe('gs://bucket/a:b@c');
  });
});
