import { describe, expect, it } from 'vitest';
import { maskUrl } from '../../../src/lib/util/mask-url.js';

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
