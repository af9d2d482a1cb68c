import { createQueryId, type Compilable, type CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './tables.js';

/** Anything that runs queries: the database or a transaction. */
export type QueryRunner = Pick<Kysely<Database>, 'executeQuery'>;
type Builder = Pick<Kysely<Database>, 'selectFrom' | 'insertInto' | 'updateTable' | 'deleteFrom'>;

const STAND_IN = '\u0000value:';

/**
 * A query Kysely builds and compiles once, then runs with new values. On the
 * busiest paths (every message sent) building and compiling a query cost
 * several times what SQLite spends running it; this keeps the typed builder
 * and pays for it once. `build` receives stand-ins for the values: use each
 * one only as a value (a comparison, a column's new value), never to shape
 * the query (a table, a limit that changes the plan, a list's length).
 */
export function preparedQuery<Values extends Record<string, unknown>, Row>(
  build: (db: Builder, values: Values) => Compilable<Row>,
): (runner: QueryRunner & Builder, values: Values) => Promise<Row[]> {
  let template: CompiledQuery<Row> | undefined;
  let slots: (string | undefined)[] = [];
  return async (runner, values) => {
    if (!template) {
      const standIns = new Proxy({}, { get: (_, name) => `${STAND_IN}${String(name)}` }) as Values;
      template = build(runner, standIns).compile();
      slots = template.parameters.map((p) => (typeof p === 'string' && p.startsWith(STAND_IN) ? p.slice(STAND_IN.length) : undefined));
    }
    const parameters = template.parameters.map((p, i) => (slots[i] === undefined ? p : values[slots[i]!]));
    const { rows } = await runner.executeQuery<Row>({ ...template, parameters, queryId: createQueryId() });
    return rows;
  };
}
