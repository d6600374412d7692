// The explorer's GraphQL fetcher: same-origin HTTP to the page's own URL, and a
// WebSocket URL on the same host for subscriptions once the gateway serves them.
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';

/** What the headers editor starts with: a hint, not a usable token. */
export const PLACEHOLDER_TOKEN = '<access token>';
export const DEFAULT_HEADERS = `{"Authorization": "Bearer ${PLACEHOLDER_TOKEN}"}`;

// The default headers are sent as typed, and a gateway that verifies bearer
// tokens would answer every request (the schema introspection included) with an
// authentication error while the hint is still there. Dropping the untouched
// placeholder keeps the explorer usable anonymously until a real token is pasted.
function withoutPlaceholderAuthorization(init: RequestInit | undefined): RequestInit | undefined {
  if (!init?.headers) return init;
  const headers = new Headers(init.headers);
  if (headers.get('authorization')?.includes(PLACEHOLDER_TOKEN)) headers.delete('authorization');
  return { ...init, headers };
}

export function createExplorerFetcher(location: Location): Fetcher {
  // The page is served at the GraphQL endpoint itself (GET /graphql by default),
  // so its own path is the endpoint, whatever path the gateway mounted it on.
  const endpoint = location.pathname;
  const wsProtocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createGraphiQLFetcher({
    url: endpoint,
    subscriptionUrl: `${wsProtocol}//${location.host}${endpoint}`,
    fetch: (input, init) => window.fetch(input, withoutPlaceholderAuthorization(init)),
  });
}
