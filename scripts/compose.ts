/**
 * Prints each subgraph's SDL to schema/<name>.graphql and composes them with
 * @apollo/composition into schema/supergraph.graphql. With --check, writes
 * nothing and fails if the committed files differ from a fresh composition
 * (CI runs this).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { analyticsSchema } from '@platform/analytics/schema/index';
import { billingSchema } from '@platform/billing/schema/index';
import { customerSuccessSchema } from '@platform/customer-success/schema/index';
import { tenancySchema } from '@platform/tenancy/schema/index';
import { parse, printSchema } from 'graphql';

// Default URLs for distributed mode; the gateway lets env override them.
const SUBGRAPHS = [
  { name: 'tenancy', schema: tenancySchema, url: 'http://127.0.0.1:4101/graphql' },
  { name: 'customer-success', schema: customerSuccessSchema, url: 'http://127.0.0.1:4102/graphql' },
  { name: 'billing', schema: billingSchema, url: 'http://127.0.0.1:4103/graphql' },
  { name: 'analytics', schema: analyticsSchema, url: 'http://127.0.0.1:4104/graphql' },
];

const root = path.resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const outputs = new Map<string, string>();

for (const s of SUBGRAPHS) outputs.set(`schema/${s.name}.graphql`, `${printSubgraphSchema(s.schema).trim()}\n`);

const result = composeServices(SUBGRAPHS.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(outputs.get(`schema/${s.name}.graphql`)!) })));
if (result.errors) {
  console.error('Composition failed:');
  for (const e of result.errors) console.error(`  - ${e.message}`);
  process.exit(1);
}
for (const hint of result.hints ?? []) console.warn(`hint: ${hint.definition.code}: ${hint.message}`);
outputs.set('schema/supergraph.graphql', `${result.supergraphSdl.trim()}\n`);
// What clients see (no federation machinery): the input of graphql-codegen.
outputs.set('schema/api.graphql', `${printSchema(result.schema.toAPISchema().toGraphQLJSSchema()).trim()}\n`);

let stale = 0;
for (const [file, content] of outputs) {
  const target = path.join(root, file);
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current === content) continue;
  if (check) {
    console.error(`stale: ${file} differs from a fresh composition (run pnpm compose and commit)`);
    stale++;
  } else {
    await writeFile(target, content);
    console.log(`wrote ${file}`);
  }
}
if (stale) process.exit(1);
console.log(check ? 'schema/ is up to date' : `composed ${SUBGRAPHS.length} subgraph(s) into schema/supergraph.graphql`);
