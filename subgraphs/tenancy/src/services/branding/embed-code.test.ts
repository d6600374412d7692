import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import type { ChatWidget } from './branding-input.js';
import { renderEmbedCode } from './embed-code.js';

const widget: ChatWidget = { enabled: true, position: 'bottom-right', greeting: 'Hi! How can we help?', color: '#0a66c2' };

// Parses the snippet as a browser would and returns the elements it contains,
// so a test sees exactly what an attribute break-out would produce.
function elementsOf(html: string): { name: string; attribs: Record<string, string> }[] {
  const found: { name: string; attribs: Record<string, string> }[] = [];
  const visit = (nodes: ReturnType<typeof parseDocument>['children']): void => {
    for (const node of nodes) {
      if (node.type === 'tag' || node.type === 'script' || node.type === 'style') found.push({ name: node.name, attribs: node.attribs });
      if ('children' in node) visit(node.children);
    }
  };
  visit(parseDocument(html).children);
  return found;
}

describe('renderEmbedCode', () => {
  it('renders one script tag pointing at the tenant bundle', () => {
    const html = renderEmbedCode({ tenantSlug: 'acme', gatewayOrigin: 'https://app.example.com/', chatWidget: widget });
    expect(html).toBe(
      '<script src="https://app.example.com/embed/acme.js" data-tenant="acme" data-chat-enabled="true" ' +
        'data-position="bottom-right" data-color="#0a66c2" data-greeting="Hi! How can we help?" async></script>',
    );
  });

  it('uses only the origin of the configured gateway URL', () => {
    const html = renderEmbedCode({ tenantSlug: 'acme', gatewayOrigin: 'http://localhost:4000/graphql?x=1', chatWidget: widget });
    expect(elementsOf(html)[0]?.attribs.src).toBe('http://localhost:4000/embed/acme.js');
  });

  it('keeps a hostile slug and greeting inside their attributes', () => {
    const tenantSlug = `x" onload="alert(1)"><script>alert(2)</script><a x='`;
    const greeting = `"><img src=x onerror=alert(3)>'&amp;`;
    const html = renderEmbedCode({ tenantSlug, gatewayOrigin: 'https://app.example.com', chatWidget: { ...widget, greeting } });

    const elements = elementsOf(html);
    expect(elements).toHaveLength(1);
    const script = elements[0]!;
    expect(script.name).toBe('script');
    expect(Object.keys(script.attribs).sort()).toEqual(
      ['async', 'data-chat-enabled', 'data-color', 'data-greeting', 'data-position', 'data-tenant', 'src'].sort(),
    );
    expect(script.attribs['data-tenant']).toBe(tenantSlug);
    expect(script.attribs['data-greeting']).toBe(greeting);
    expect(script.attribs.src).toBe(`https://app.example.com/embed/${encodeURIComponent(tenantSlug)}.js`);
    expect(html).not.toMatch(/<img|<script>alert|onload="alert/);
  });

  it('refuses a gateway origin that is not http(s)', () => {
    expect(() => renderEmbedCode({ tenantSlug: 'acme', gatewayOrigin: 'javascript:alert(1)', chatWidget: widget })).toThrow(TypeError);
    expect(() => renderEmbedCode({ tenantSlug: 'acme', gatewayOrigin: 'app.example.com', chatWidget: widget })).toThrow(TypeError);
  });
});
