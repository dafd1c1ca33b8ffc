// ?next= after sign-in: only this site's pages, judged on the URL the browser would open.
import { describe, expect, it } from 'vitest';
import { safeNext } from '../../../src/client/next.ts';

const origin = 'https://xiaobao.example';
const go = (raw: string | null) => safeNext(raw, origin, '/');

describe('safeNext', () => {
  it('keeps pages of this site with their query and hash', () => {
    expect(go('/exams/')).toBe('/exams/');
    expect(go('/en/manage/attempt/?id=abc#events')).toBe('/en/manage/attempt/?id=abc#events');
    expect(go('/lessons/complaint-handling/')).toBe('/lessons/complaint-handling/');
    expect(go('/en/')).toBe('/en/');
    // A phone scanning a contest's QR code signed out must come back to the contest after signing in.
    expect(go('/live/join/?pin=259972')).toBe('/live/join/?pin=259972');
    expect(go('/c/7NJSU2')).toBe('/c/7NJSU2');
    expect(go('/contests/view/?code=7NJSU2')).toBe('/contests/view/?code=7NJSU2');
    expect(go('/en/admin/people/')).toBe('/en/admin/people/');
    expect(go('/account/password/')).toBe('/account/password/');
  });

  it('refuses other origins however they are spelt (the browser drops tab, CR and LF)', () => {
    for (const raw of [
      '/\t/evil.example/x', '/%09/evil.example/x', '/\n/evil.example', '/\r\n/evil.example', '\t//evil.example',
      '//evil.example/x', '/\\evil.example', '\\\\evil.example', 'https://evil.example/', 'javascript:alert(1)',
      ' //evil.example', 'https:evil.example', '/exams/@evil.example',
    ]) {
      const out = go(raw);
      expect(new URL(out, origin).origin, raw).toBe(origin);
    }
    expect(go('/\t/evil.example/x')).toBe('/');
    expect(go('//evil.example/x')).toBe('/');
  });

  it('refuses unknown paths, the sign-in page and escapes through dot segments', () => {
    expect(go('/sign-in/?next=/exams/')).toBe('/');
    expect(go('/en/sign-in/')).toBe('/');
    expect(go('/api/me')).toBe('/');
    expect(go('/exams/../.netlify/functions/finalise-overdue')).toBe('/');
    expect(go(null)).toBe('/');
    expect(go('')).toBe('/');
  });
});
