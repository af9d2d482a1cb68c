import { callTRPCProcedure, getErrorShape, getTRPCErrorFromUnknown, transformTRPCResponse, type AnyRouter, type TRPCError } from '@trpc/server';
import { fastifyRequestHandler, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type TrpcOptions<TRouter extends AnyRouter> = FastifyTRPCPluginOptions<TRouter>['trpcOptions'];
type RequestInfo = Parameters<NonNullable<TrpcOptions<AnyRouter>['createContext']>>[0]['info'];
type RouteShape = { Params: { path: string }; Querystring: { batch?: string; input?: string } };
/** What the choice of path reads from a request. */
export type CallRequest = Pick<FastifyRequest<RouteShape>, 'method' | 'headers' | 'body' | 'params' | 'query'>;

export interface DirectCall {
  path: string;
  type: 'query' | 'mutation';
  input: unknown;
}

/** The call, when the request is one the direct path serves exactly as tRPC would; undefined for the rest. */
export function directCall(req: CallRequest, router: AnyRouter): DirectCall | undefined {
  const { path } = req.params;
  const procedures = router._def.procedures as Record<string, { _def: { type: string } } | undefined>;
  if (req.query.batch !== undefined || req.headers['trpc-accept'] !== undefined || !Object.hasOwn(procedures, path)) return undefined;
  const type = procedures[path]!._def.type;
  let text: unknown;
  if (type === 'query' && req.method === 'GET') text = req.query.input;
  else if (type === 'mutation' && req.method === 'POST' && req.headers['content-type']?.startsWith('application/json')) text = req.body;
  else return undefined;
  if (text !== undefined && typeof text !== 'string') return undefined;
  try {
    return { path, type, input: text ? router._def._config.transformer.input.deserialize(JSON.parse(text)) : undefined };
  } catch {
    return undefined; // tRPC answers its own PARSE_ERROR
  }
}

/**
 * Serves a tRPC router on Fastify as tRPC's own Fastify plugin does, with a
 * direct path for the calls the widget makes: one query (GET) or one mutation
 * (POST, JSON), not batched, not streamed. Those are answered from Fastify's
 * request and reply themselves; tRPC's adapter builds a Fetch `Request`, its
 * AbortSignals and a web-stream `Response` for every call, which cost more
 * CPU than our procedures do (docs/performance.md#http). The procedure, its
 * middlewares, errorFormatter, responseMeta and onError run as they would
 * there, through tRPC's public functions. Anything else (batches, streaming,
 * an unknown path, a wrong method, JSON that does not parse, other media
 * types) goes to tRPC's own handler, so its answers stay tRPC's.
 */
export async function trpcRoutes<TRouter extends AnyRouter>(
  app: FastifyInstance,
  options: { trpcOptions: TrpcOptions<TRouter> },
): Promise<void> {
  const { trpcOptions } = options;
  const { router } = trpcOptions;
  const config = router._def._config;
  // As tRPC's plugin does: JSON bodies reach tRPC as text (it parses them itself).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.removeContentTypeParser('multipart/form-data');
  app.addContentTypeParser('multipart/form-data', {}, (_req, body, done) => done(null, body));

  async function answer(req: FastifyRequest, reply: FastifyReply, call: DirectCall): Promise<void> {
    const { path, type, input } = call;
    const aborted = new AbortController();
    // Only a client that leaves before the answer aborts (an abort builds a DOMException: not on every call).
    reply.raw.once('close', () => reply.raw.writableFinished || aborted.abort());
    const info: RequestInfo = {
      accept: null,
      type,
      isBatchCall: false,
      calls: [{ path, batchIndex: 0, procedure: router._def.procedures[path], getRawInput: async () => input, result: () => input }],
      connectionParams: null,
      signal: aborted.signal,
      url: null,
    };
    let ctx: unknown;
    let body;
    let error: TRPCError | undefined;
    try {
      ctx = await trpcOptions.createContext?.({ req, res: reply, info });
      const data: unknown = await callTRPCProcedure({ router, path, type, ctx, getRawInput: info.calls[0]!.getRawInput, signal: aborted.signal, batchIndex: 0 });
      body = { result: { data } };
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause);
      trpcOptions.onError?.({ error, path, input, ctx, type, req });
      body = { error: getErrorShape({ config, error, type, path, input, ctx }) };
    }
    const errors = error ? [error] : [];
    const meta = trpcOptions.responseMeta?.({ ctx, info, paths: [path], type, data: [body], errors, eagerGeneration: false }) ?? {};
    reply.code(meta.status ?? getHTTPStatusCode(body, errors));
    reply.header('vary', 'trpc-accept, accept').header('content-type', 'application/json');
    for (const [name, value] of Object.entries(meta.headers ?? {})) {
      if (value !== undefined) reply.header(name, value);
    }
    // A Buffer: Fastify would add `; charset=utf-8` to a string's content type, which tRPC does not send.
    await reply.send(Buffer.from(JSON.stringify(transformTRPCResponse(config, body))));
  }

  app.all<RouteShape>('/:path', async (req, reply) => {
    const call = directCall(req, router);
    if (call) return answer(req, reply, call);
    await fastifyRequestHandler({ ...trpcOptions, req, res: reply, path: req.params.path });
  });
}
