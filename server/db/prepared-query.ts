import { createQueryId, type Compilable, type CompiledQuery, type DialectAdapter, type Kysely } from 'kysely';
import type { Database } from './tables.js';

/** Anything that runs queries: the database or a transaction. */
export type QueryRunner = Pick<Kysely<Database>, 'executeQuery' | 'getExecutor'>;
type Builder = Pick<Kysely<Database>, 'selectFrom' | 'insertInto' | 'updateTable' | 'deleteFrom'>;

const STAND_IN = '\u0000value:';

interface Template<Row> {
  query: CompiledQuery<Row>;
  /** For each parameter, the name of the value it stands for; undefined for a constant. */
  slots: (string | undefined)[];
}

/**
 * A query Kysely builds and compiles once, then runs with new values. On the
 * busiest paths (every message sent) building and compiling a query cost
 * several times what SQLite spends running it; this keeps the typed builder
 * and pays for it once. `build` receives stand-ins for the values: use each
 * one only as a value (a comparison, a column's new value), never to shape
 * the query (a table, a limit that changes the plan, a list's length).
 * Compiled once per database opened (keyed by its dialect's adapter): SQLite
 * and Postgres write placeholders differently, and one process may open both.
 */
export function preparedQuery<Values extends Record<string, unknown>, Row>(
  build: (db: Builder, values: Values) => Compilable<Row>,
): (runner: QueryRunner & Builder, values: Values) => Promise<Row[]> {
  const templates = new WeakMap<DialectAdapter, Template<Row>>();
  return async (runner, values) => {
    // A transaction shares its database's executor adapter, so each database compiles once.
    const adapter = runner.getExecutor().adapter;
    let template = templates.get(adapter);
    if (!template) {
      const standIns = new Proxy({}, { get: (_, name) => `${STAND_IN}${String(name)}` }) as Values;
      const query = build(runner, standIns).compile();
      const slots = query.parameters.map((p) => (typeof p === 'string' && p.startsWith(STAND_IN) ? p.slice(STAND_IN.length) : undefined));
      template = { query, slots };
      templates.set(adapter, template);
    }
    const { query, slots } = template;
    const parameters = query.parameters.map((p, i) => (slots[i] === undefined ? p : values[slots[i]!]));
    const { rows } = await runner.executeQuery<Row>({ ...query, parameters, queryId: createQueryId() });
    return rows;
  };
}
