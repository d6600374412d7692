// The snippet a tenant pastes into its own site to load the chat widget. The
// values come from tenant input, so every one is escaped for a double-quoted
// HTML attribute, and the slug is also percent-encoded where it becomes part of
// the script URL's path. escapeUTF8 (& < > " ') rather than entities'
// escapeAttribute (& " only): the spec needs no more inside double quotes, but the
// snippet gets pasted into CMS fields and templates that may re-quote it.
import { escapeUTF8 } from 'entities';
import type { ChatWidget } from './branding-input.js';

export interface EmbedCodeInput {
  tenantSlug: string;
  /** Public origin of the gateway, e.g. https://app.example.com (any path is ignored). */
  gatewayOrigin: string;
  chatWidget: ChatWidget;
}

function originOf(gatewayOrigin: string): string {
  let url: URL;
  try {
    url = new URL(gatewayOrigin);
  } catch {
    throw new TypeError(`gatewayOrigin is not an absolute URL: ${JSON.stringify(gatewayOrigin)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`gatewayOrigin must be http(s), got ${url.protocol}`);
  }
  return url.origin;
}

export function renderEmbedCode({ tenantSlug, gatewayOrigin, chatWidget }: EmbedCodeInput): string {
  const src = `${originOf(gatewayOrigin)}/embed/${encodeURIComponent(tenantSlug)}.js`;
  const attributes: [string, string][] = [
    ['src', src],
    ['data-tenant', tenantSlug],
    ['data-chat-enabled', String(chatWidget.enabled)],
    ['data-position', chatWidget.position],
    ['data-color', chatWidget.color],
    ['data-greeting', chatWidget.greeting],
  ];
  const rendered = attributes.map(([name, value]) => `${name}="${escapeUTF8(value)}"`).join(' ');
  return `<script ${rendered} async></script>`;
}
