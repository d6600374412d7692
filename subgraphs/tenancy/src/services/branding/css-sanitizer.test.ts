import postcss from 'postcss';
import { describe, expect, it } from 'vitest';
import { CssSanitizeError, sanitizeCustomCss } from './css-sanitizer.js';

// Flattens a stylesheet to "context | prop: value" lines, so a test can say two
// stylesheets mean the same thing whatever their whitespace.
function meaning(css: string): string[] {
  const lines: string[] = [];
  postcss.parse(css).walkDecls((decl) => {
    const context: string[] = [];
    for (let node = decl.parent; node && node.type !== 'root'; node = node.parent) {
      if (node.type === 'rule') context.unshift((node as postcss.Rule).selector);
      if (node.type === 'atrule') context.unshift(`@${(node as postcss.AtRule).name} ${(node as postcss.AtRule).params}`);
    }
    lines.push(`${context.join(' / ')} | ${decl.prop}: ${decl.value}${decl.important ? ' !important' : ''}`);
  });
  return lines;
}

function expectDropped(css: string, kind: string): string {
  const result = sanitizeCustomCss(css);
  expect(result.removed.map((r) => r.kind)).toContain(kind);
  expect(meaning(result.css)).toEqual([]);
  return result.css;
}

describe('sanitizeCustomCss: XSS vectors', () => {
  it('drops a javascript: url', () => {
    expectDropped('body{background:url(javascript:alert(1))}', 'value');
  });

  it('drops an IE expression()', () => {
    expectDropped('div{width:expression(alert(1))}', 'value');
  });

  it('refuses markup that closes the style element as unparseable', () => {
    expect(() => sanitizeCustomCss('</style><script>alert(1)</script>')).toThrow(CssSanitizeError);
    expect(() => sanitizeCustomCss('</style><script>alert(1)</script>')).toThrow(/could not be parsed/);
  });

  it('drops @import even with an https url', () => {
    const result = sanitizeCustomCss('@import url(https://evil);a{color:red}');
    expect(result.removed).toEqual([{ kind: 'at-rule', detail: '@import url(https://evil)' }]);
    expect(meaning(result.css)).toEqual(['a | color: red']);
  });

  it('decodes CSS escapes before looking for javascript:', () => {
    expectDropped('a{background:url("java\\73 cript:alert(1)")}', 'value');
    expectDropped('a{background:url(java\\script:alert(1))}', 'value');
    expectDropped('a{background:url("JaVa\\53 cRiPt:alert(1)")}', 'value');
  });

  it('drops the behavior property and friends', () => {
    expectDropped('x{behavior:url(x.htc)}', 'property');
    expectDropped('x{-ms-behavior:url(x.htc)}', 'property');
    expectDropped('x{-moz-binding:url(https://evil/xbl.xml#x)}', 'property');
    expectDropped('x{beh\\61vior:url(x.htc)}', 'property');
  });

  it('strips comments before looking for expression(', () => {
    expectDropped('p{color:exp/**/ression(alert(1))}', 'value');
  });

  it('catches escaped, mixed-case and full-width spellings of expression', () => {
    expectDropped('p{width:\\65 xpression(alert(1))}', 'value');
    expectDropped('p{width:ExPrEsSiOn(alert(1))}', 'value');
    expectDropped('p{width:ｅｘｐｒｅｓｓｉｏｎ(alert(1))}', 'value');
    expectDropped('p{width:expression\t(alert(1))}', 'value');
  });

  it('catches a tab hidden inside javascript: (URL parsers drop tabs)', () => {
    expectDropped('a{background:url("java\\9 script:alert(1)")}', 'value');
  });

  it('catches an escaped url( function name', () => {
    expectDropped('a{background:u\\72 l(http://evil.example/x.png)}', 'value');
  });

  it('drops vbscript: urls and -moz-binding hidden in a value', () => {
    expectDropped('a{background:url(vbscript:msgbox(1))}', 'value');
    expectDropped('a{--b:-moz-binding}', 'value');
  });

  it('drops only the offending declaration', () => {
    const result = sanitizeCustomCss('a{color:red;-moz-binding:url(https://evil/x.xml);margin:0}');
    expect(result.removed).toEqual([{ kind: 'property', detail: '-moz-binding' }]);
    expect(meaning(result.css)).toEqual(['a | color: red', 'a | margin: 0']);
  });

  it('hides javascript: in a custom property too', () => {
    expectDropped('a{--bg:url(javascript:alert(1))}', 'value');
  });
});

describe('sanitizeCustomCss: url policy', () => {
  it.each([
    ['plain http', 'a{background:url(http://cdn.example.com/a.png)}'],
    ['relative path', 'a{background:url(/api/admin/delete)}'],
    ['protocol relative', 'a{background:url(//evil.example/a.png)}'],
    ['svg data uri', 'a{background:url("data:image/svg+xml,<svg onload=alert(1)>")}'],
    ['html data uri', 'a{background:url(data:text/html;base64,PHNjcmlwdD4=)}'],
    ['http inside image-set', 'a{background-image:image-set("http://x.example/a.png" 1x)}'],
    ['var() inside src()', 'a{background-image:src(var(--u))}'],
  ])('drops %s', (_name, css) => {
    expectDropped(css, 'value');
  });

  it('keeps https, raster data: images and in-document fragments', () => {
    const css = [
      '.hero{background:url(https://cdn.example.com/hero.jpg) no-repeat center / cover}',
      '.logo{background-image:url("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")}',
      '.pic{background-image:image-set("https://cdn.example.com/a.avif" type("image/avif") 1x)}',
      '.blur{filter:url(#soft-blur)}',
    ].join('\n');
    const result = sanitizeCustomCss(css);
    expect(result.removed).toEqual([]);
    expect(meaning(result.css)).toEqual(meaning(css));
  });
});

describe('sanitizeCustomCss: at-rules', () => {
  it.each(['@charset "utf-8";', '@namespace svg url(http://www.w3.org/2000/svg);', '@page{margin:0}', '@layer base{a{color:red}}'])(
    'drops %s',
    (css) => {
      expect(sanitizeCustomCss(css).removed[0]?.kind).toBe('at-rule');
    },
  );

  it('drops an @import nested in an allowed @media', () => {
    const result = sanitizeCustomCss('@media print{@import url(https://evil/p.css);a{color:black}}');
    expect(result.removed).toHaveLength(1);
    expect(meaning(result.css)).toEqual(['@media print / a | color: black']);
  });

  it('refuses an escaped at-rule name rather than guess', () => {
    expect(() => sanitizeCustomCss('@\\69mport "https://evil/x.css";')).toThrow(CssSanitizeError);
  });
});

describe('sanitizeCustomCss: cannot close the style element', () => {
  it('escapes angle brackets inside strings without changing their meaning', () => {
    const { css } = sanitizeCustomCss('a::after{content:"</style><script>alert(1)</script>"}');
    expect(css).not.toMatch(/</);
    expect(css).not.toMatch(/<\/style/i);
    expect(css).toContain('content: "\\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e "');
  });

  it('removes comments that hide a closing tag', () => {
    const { css } = sanitizeCustomCss('a{color:red /* </STYLE><img src=x onerror=alert(1)> */}\n/* </style> */');
    expect(css).not.toMatch(/</);
    expect(meaning(css)).toEqual(['a | color: red']);
  });

  it('escapes < in selectors and custom property values', () => {
    const { css } = sanitizeCustomCss('a[title="</style>"]{--x:{</style>}}');
    expect(css).not.toMatch(/</);
  });
});

describe('sanitizeCustomCss: safe CSS survives', () => {
  const safe = `
:root { --brand: #0a66c2; }
body { color: #1f2937; background-color: rgb(250 250 250); font-family: "Inter", "Helvetica Neue", Arial, sans-serif; }
h1, h2 > span { font-weight: 700 !important; letter-spacing: -0.01em; }
.button:hover { background: var(--brand); transition: background-color 150ms ease-in-out; }
@media (max-width: 600px) and (prefers-color-scheme: dark) { nav ul > li + li { margin-left: 0; } }
@supports (display: grid) { .grid { display: grid; grid-template-columns: repeat(3, 1fr); } }
@font-face { font-family: "Brand Sans"; src: url(https://fonts.example.com/brand.woff2) format("woff2"); font-display: swap; }
@keyframes pulse { from { opacity: 1; } 50% { opacity: 0.5; } to { opacity: 1; } }
.logo { background: url("data:image/webp;base64,UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==") no-repeat; }
`;

  it('keeps every rule, declaration and at-rule with the same meaning', () => {
    const result = sanitizeCustomCss(safe);
    expect(result.removed).toEqual([]);
    expect(meaning(result.css)).toEqual(meaning(safe));
  });

  it('keeps child combinators and > media ranges as written', () => {
    const { css } = sanitizeCustomCss('@media (width > 600px){ul > li{color:red}}');
    expect(css).toContain('@media (width > 600px)');
    expect(css).toContain('ul > li');
  });
});

describe('sanitizeCustomCss: errors', () => {
  it('reports where unparseable CSS breaks', () => {
    try {
      sanitizeCustomCss('a { color: red;\nb { color: blue }');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CssSanitizeError);
      expect((error as CssSanitizeError).code).toBe('CSS_UNPARSEABLE');
      expect((error as Error).message).toMatch(/Unclosed block at line 1, column 1/);
    }
  });

  it('refuses input over the byte limit, counting UTF-8 bytes', () => {
    expect(() => sanitizeCustomCss(`a{content:"${'é'.repeat(30_000)}"}`)).toThrow(/limit is 50000 bytes/);
    expect(() => sanitizeCustomCss('a{color:red}', { maxBytes: 5 })).toThrow(
      expect.objectContaining({ code: 'CSS_TOO_LARGE' }),
    );
  });

  it('accepts empty input', () => {
    expect(sanitizeCustomCss('')).toEqual({ css: '', removed: [] });
  });
});
