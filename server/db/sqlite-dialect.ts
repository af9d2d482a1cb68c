import { CompiledQuery, SqliteDialect, type DatabaseConnection, type Driver, type QueryCompiler } from 'kysely';

/**
 * Kysely's SQLite dialect, with its one connection handed out first come,
 * first served, and transactions that take the write lock as they begin. Kysely's own lock wakes every waiter each time the connection
 * is released (all but one go back to sleep), so with hundreds of requests in
 * flight each query paid for hundreds of wake-ups. Here waiters queue and
 * exactly one is woken; the inner lock is then always free when asked.
 */
export class QueuedSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return new QueuedDriver(super.createDriver());
  }
}

class QueuedDriver implements Driver {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    try {
      return await this.inner.acquireConnection();
    } catch (error) {
      this.handOn();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      this.handOn();
    }
  }

  /** Straight to the next in line: `busy` stays true, so no newcomer jumps the queue. */
  private handOn(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }

  /**
   * BEGIN IMMEDIATE takes the write lock first, waiting for it (busy_timeout)
   * while the checkpoint worker holds it. A plain BEGIN reads first and then
   * fails at once with "database is locked" when the lock it needs to upgrade
   * to is taken. With one connection per process, taking it early costs nothing.
   */
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.savepoint!(connection, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.rollbackToSavepoint!(connection, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.releaseSavepoint!(connection, name, compile);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
