/** The slice of a pino-style logger the server's parts need (Fastify's logger is one). */
export interface Log {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}
