import { describe, expect, it } from 'vitest';
import { hasUnescapedPlaceholder, sanitizeEmailHtml } from './email-html.js';

const INVITATION = `<!doctype html>
<html><head><title>You are invited</title><style>body{background:url(https://track.example/p.gif)}</style></head>
<body>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background-color:#f4f4f5">
  <tr><td align="center" style="padding:24px 16px">
    <img src="{{tenant.logoUrl}}" alt="{{tenant.name}}" width="120" style="display:block;border:0">
    <h1 style="font-family:Inter, Arial, sans-serif;font-size:24px;color:#111827">Join {{tenant.name}}</h1>
    <p style="line-height:1.5;margin:0 0 16px">{{inviter.name}} invited you. This link expires in {{invitation.expiresInDays}} days.</p>
    <a href="{{invitation.url}}" style="display:inline-block;padding:12px 24px;background-color:#0a66c2;color:#ffffff;border-radius:4px;text-decoration:none">Accept invitation</a>
    <p style="font-size:12px;color:rgb(107, 114, 128)">Questions? <a href="mailto:support@example.com">Contact support</a></p>
  </td></tr>
</table>
</body></html>`;

describe('sanitizeEmailHtml: typical email markup survives', () => {
  const clean = sanitizeEmailHtml(INVITATION);

  it('keeps every placeholder', () => {
    for (const placeholder of ['{{tenant.logoUrl}}', '{{tenant.name}}', '{{inviter.name}}', '{{invitation.expiresInDays}}', '{{invitation.url}}']) {
      expect(clean).toContain(placeholder);
    }
    expect(clean).toContain('href="{{invitation.url}}"');
    expect(clean).toContain('src="{{tenant.logoUrl}}"');
  });

  it('keeps layout tables, safe inline styles and mailto links', () => {
    expect(clean).toContain('<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background-color:#f4f4f5">');
    expect(clean).toContain('style="display:inline-block;padding:12px 24px;background-color:#0a66c2;color:#ffffff;border-radius:4px;text-decoration:none"');
    expect(clean).toContain('style="font-size:12px;color:rgb(107, 114, 128)"');
    expect(clean).toContain('<a href="mailto:support@example.com">');
  });

  it('drops the document head, its title text and its style sheet', () => {
    expect(clean).not.toMatch(/<html|<head|<style|You are invited|track\.example/);
  });
});

describe('sanitizeEmailHtml: XSS vectors', () => {
  it.each([
    ['script element', '<p>hi</p><script>alert(1)</script>', '<p>hi</p>'],
    ['img onerror', '<img src="https://x.example/a.png" onerror="alert(1)">', '<img src="https://x.example/a.png" />'],
    ['iframe with content', '<iframe src="https://evil.example"><b>x</b></iframe>ok', 'ok'],
    ['javascript: link', '<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['entity-encoded javascript: link', '<a href="&#106;avascript&colon;alert(1)">x</a>', '<a>x</a>'],
    ['relative link', '<a href="/admin">x</a>', '<a>x</a>'],
    ['http image', '<img src="http://tracker.example/p.gif">', '<img />'],
    ['data: image', '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">', '<img />'],
    ['svg onload', '<svg onload="alert(1)"><circle r="1"/></svg>', ''],
    ['form', '<form action="https://evil.example"><input name="pw"><button>Go</button></form>', 'Go'],
    ['noscript mutation', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>', ''],
    ['style attribute url()', '<p style="background-image:url(javascript:alert(1));color:red">x</p>', '<p style="color:red">x</p>'],
    ['style attribute expression()', '<p style="width:expression(alert(1))">x</p>', '<p>x</p>'],
    ['style shorthand with url()', '<td style="background:#fff url(https://t.example/p.gif)">x</td>', '<td>x</td>'],
    ['position fixed overlay', '<div style="position:fixed;top:0;left:0">x</div>', '<div>x</div>'],
  ])('neutralises %s', (_name, dirty, expected) => {
    expect(sanitizeEmailHtml(dirty).trim()).toBe(expected);
  });
});

describe('hasUnescapedPlaceholder', () => {
  it('flags Handlebars triple-stash and Mustache ampersand', () => {
    expect(hasUnescapedPlaceholder('Hi {{{inviter.name}}}')).toBe(true);
    expect(hasUnescapedPlaceholder('Hi {{& inviter.name}}')).toBe(true);
    expect(hasUnescapedPlaceholder('Hi {{inviter.name}}')).toBe(false);
  });
});
