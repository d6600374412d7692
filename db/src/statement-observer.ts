/**
 * Driver-level hooks that report every SQL statement sent to the database, for
 * tests and diagnostics that count statements (tests/no-n-plus-one.test.ts).
 *
 * Why at the driver and not drizzle's logger: drizzle's logger sees only the
 * queries drizzle builds. The transaction's BEGIN and COMMIT are sent by the
 * driver itself, and the job queue (pg-boss) and LISTEN bypass drizzle; a
 * hook that missed them would undercount exactly the per-request overhead an
 * N+1 multiplies (one transaction per batch is three statements more).
 *
 * Neither hook is installed unless `onStatement` is given to openDatabase:
 * postgres.js records a stack trace per query while its `debug` option is set,
 * a cost production should not pay.
 */
import { PGlite } from '@electric-sql/pglite';

/** Told the text of each statement as it is sent. Must not throw or block. */
export type StatementObserver = (statement: string) => void;

const PARSE = 0x50; // 'P': extended protocol, one statement
const SIMPLE_QUERY = 0x51; // 'Q': simple protocol (BEGIN, COMMIT, migrations, exec)
const text = new TextDecoder();

/**
 * PGlite runs every statement, inside a transaction or not, through
 * execProtocolStream as wire-protocol messages: one Parse (extended
 * protocol, then Describe/Bind/Execute/Sync without the text) or one Query
 * (simple protocol) per statement. Reporting those two kinds reports each
 * statement once.
 */
export class ObservedPGlite extends PGlite {
  constructor(
    dataDir: string,
    private readonly onStatement: StatementObserver,
  ) {
    super(dataDir);
  }

  override execProtocolStream(message: Uint8Array, options?: Parameters<PGlite['execProtocolStream']>[1]) {
    const statement = statementOf(message);
    if (statement !== null) this.onStatement(statement);
    return super.execProtocolStream(message, options);
  }
}

/** The statement text of a Parse or Query message; null for every other message. */
function statementOf(message: Uint8Array): string | null {
  const kind = message[0];
  if (kind !== PARSE && kind !== SIMPLE_QUERY) return null;
  let start = 5; // after the kind byte and the int32 length
  if (kind === PARSE) start = message.indexOf(0, start) + 1; // skip the prepared statement's name
  const end = message.indexOf(0, start);
  return text.decode(message.subarray(start, end < 0 ? undefined : end));
}

/**
 * postgres.js calls `debug` once per statement as it writes it to a
 * connection, BEGIN and COMMIT of `sql.begin` included, and the read of the
 * server's array types each new connection makes first. It runs synchronously
 * in the caller's async context, except for a statement that had to wait for
 * a free pooled connection, which is reported from the context that freed it.
 */
export function postgresDebug(onStatement: StatementObserver) {
  return (_connection: number, statement: string) => onStatement(statement);
}
