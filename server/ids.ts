import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/** A new sortable id: within one process, later ids sort after earlier ones even in the same millisecond. */
export const newId = (): string => ulid();

export const nowIso = (): string => new Date().toISOString();
