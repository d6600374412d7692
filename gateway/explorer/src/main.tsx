// Entry point of the GraphQL explorer the gateway serves to browsers at GET /graphql.
// Bundled by ../build.mjs into dist/explorer.js and dist/explorer.css; everything it
// needs is in those two files, so the page works with no network beyond the gateway.
import { createLocalStorage } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createExplorerFetcher, DEFAULT_HEADERS } from './fetcher';
import './explorer.css';

const DEFAULT_QUERY = `# Platform GraphQL explorer
#
# Paste your access token into the Headers tab,
# then run with Execute (Ctrl-Enter).
# Docs (top left) lists the schema.

query Example {
  __typename
}
`;

const fetcher = createExplorerFetcher(window.location);

// Tabs, queries and history live in localStorage under their own namespace.
// Headers are left to GraphiQL's default (not persisted until the user opts in
// from the settings dialog): they usually hold a bearer token, and localStorage
// is readable by any script on this origin. Passing shouldPersistHeaders={false}
// would instead ignore that opt-in on every load.
const storage = createLocalStorage({ namespace: 'platform-explorer' });

const root = document.getElementById('graphiql');
if (!root) throw new Error('explorer: #graphiql element missing from index.html');

createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      storage={storage}
      defaultQuery={DEFAULT_QUERY}
      defaultHeaders={DEFAULT_HEADERS}
      isHeadersEditorEnabled
      defaultEditorToolsVisibility="headers"
    />
  </StrictMode>,
);
