/** The whole HTTP API's type, for clients: the widget imports it from here, as a type only. */
export type { AppRouter } from '../trpc/router.js';
