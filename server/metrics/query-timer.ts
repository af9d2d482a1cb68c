import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * Times every query the server's services run through the query builder: from being
 * built to its result, keyed by the query's own id object (a failed query leaves its
 * entry to the garbage collector). Writes on the SQLite writer thread are not seen here.
 */
export class QueryTimer implements KyselyPlugin {
  readonly #started = new WeakMap<object, number>();

  constructor(private readonly observe: (seconds: number) => void) {}

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    this.#started.set(queryId, performance.now());
    return node;
  }

  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const started = this.#started.get(queryId);
    if (started !== undefined) this.observe((performance.now() - started) / 1000);
    return result;
  }
}
