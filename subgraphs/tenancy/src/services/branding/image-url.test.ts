import { describe, expect, it } from 'vitest';
import { checkImageUrl, MAX_IMAGE_URL_BYTES } from './image-url.js';
import { JPEG_1X1, PNG_1X1, WEBP_1X1 } from './test-images.js';

describe('checkImageUrl', () => {
  it.each([
    ['https URL', 'https://cdn.example.com/brand/logo-dark.png?v=3'],
    ['PNG data URI', `data:image/png;base64,${PNG_1X1}`],
    ['JPEG data URI', `data:image/jpeg;base64,${JPEG_1X1}`],
    ['WebP data URI', `data:image/webp;base64,${WEBP_1X1}`],
    ['upper-case data URI header', `DATA:IMAGE/PNG;base64,${PNG_1X1}`],
  ])('accepts an %s', (_name, value) => {
    expect(checkImageUrl(value)).toBeNull();
  });

  it('refuses SVG data URIs, even harmless-looking ones', () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>').toString('base64');
    expect(checkImageUrl(`data:image/svg+xml;base64,${svg}`)).toMatch(/SVG data URIs are not accepted/);
    expect(checkImageUrl('data:image/svg+xml,%3Csvg%2F%3E')).toMatch(/SVG/);
  });

  it.each([
    ['plain http', 'http://cdn.example.com/logo.png', /Only https/],
    ['javascript:', 'javascript:alert(1)', /Only https/],
    ['relative path', '/logo.png', /absolute https URL/],
    ['credentials', 'https://user:pw@cdn.example.com/logo.png', /credentials/],
    ['text/html data URI', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', /data:image\/png/],
    ['GIF data URI', 'data:image/gif;base64,R0lGODlhAQABAAAAACw=', /data:image\/png/],
    ['data URI that is not base64', 'data:image/png,%89PNG', /base64 encoded/],
    ['broken base64', 'data:image/png;base64,iVBORw0KGgo*', /not valid base64/],
    ['HTML labelled as PNG', `data:image/png;base64,${Buffer.from('<html><script>alert(1)</script>').toString('base64')}`, /not a PNG image/],
    ['PNG labelled as JPEG', `data:image/jpeg;base64,${PNG_1X1}`, /not a JPEG image/],
  ])('refuses %s', (_name, value, message) => {
    expect(checkImageUrl(value)).toMatch(message);
  });

  it('refuses images over 200 KB', () => {
    const padding = 'A'.repeat(MAX_IMAGE_URL_BYTES);
    expect(checkImageUrl(`data:image/png;base64,${PNG_1X1}${padding}`)).toMatch(/at most 200 KB/);
  });
});
