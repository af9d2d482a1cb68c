import { callTRPCProcedure, getErrorShape, getTRPCErrorFromUnknown, transformTRPCResponse, TRPCError, type AnyRouter } from '@trpc/server';
import { fastifyRequestHandler, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The @trpc/server release this file was written against and checked by
 * test/server/trpc-direct-calls.test.ts: the direct path reads tRPC's internals
 * (`_def`, `_config`), which may change in any release, so package.json pins
 * tRPC to a tilde range and the test fails on any other version until it is read again.
 */
export const DIRECT_CALLS_TRPC_VERSION = '11.25.2';

type TrpcOptions<TRouter extends AnyRouter> = FastifyTRPCPluginOptions<TRouter>['trpcOptions'];
type RequestInfo = Parameters<NonNullable<TrpcOptions<AnyRouter>['createContext']>>[0]['info'];
type RouteShape = { Params: { path: string }; Querystring: { batch?: string; input?: string; connectionParams?: string } };
/** What the choice of path reads from a request. */
export type CallRequest = Pick<FastifyRequest<RouteShape>, 'method' | 'headers' | 'body' | 'params' | 'query'>;

export interface DirectCall {
  path: string;
  type: 'query' | 'mutation';
  input: unknown;
}

/** The media type as tRPC reads it: lower case, without parameters. */
function mediaType(req: CallRequest): string | undefined {
  return req.headers['content-type']?.toLowerCase().split(';', 1)[0]!.trim();
}

/** Whether tRPC would stream the answer (it then wants a batch, which goes to tRPC). */
function asksForStream(req: CallRequest): boolean {
  return req.headers['trpc-accept'] !== undefined || (req.headers.accept ?? '').split(',').some((type) => type.trim() === 'application/jsonl');
}

/** The call, when the request is one the direct path serves exactly as tRPC would; undefined for the rest. */
export function directCall(req: CallRequest, router: AnyRouter): DirectCall | undefined {
  const { path } = req.params;
  const { query } = req;
  const procedures = router._def.procedures as Record<string, { _def: { type: string } } | undefined>;
  if (query.batch !== undefined || query.connectionParams !== undefined || asksForStream(req) || !Object.hasOwn(procedures, path)) return undefined;
  const type = procedures[path]!._def.type;
  const media = mediaType(req);
  let text: unknown;
  // tRPC reads a GET's input from the query string unless the body is form data or bytes; a POST's only from JSON.
  if (type === 'query' && req.method === 'GET' && media !== 'multipart/form-data' && media !== 'application/octet-stream') text = query.input;
  else if (type === 'mutation' && req.method === 'POST' && media === 'application/json') text = req.body;
  else return undefined;
  if (text !== undefined && typeof text !== 'string') return undefined;
  try {
    return { path, type, input: text ? router._def._config.transformer.input.deserialize(JSON.parse(text)) : undefined };
  } catch {
    return undefined; // tRPC answers its own PARSE_ERROR
  }
}

/** What tRPC refuses to send in a single call's JSON: async iterables, or objects holding promises or iterables. */
function isStreamLike(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const streams = (v: unknown) => typeof v === 'object' && v !== null && (Symbol.asyncIterator in v || typeof (v as { then?: unknown }).then === 'function');
  return Symbol.asyncIterator in value || Object.values(value).some(streams);
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
 * connection parameters, an unknown path, a wrong method, JSON that does not
 * parse, other media types) goes to tRPC's own handler, so its answers stay tRPC's.
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
    // As in tRPC, errors see the input only once the procedure has asked for it.
    let inputRead = false;
    const getRawInput = async () => ((inputRead = true), input);
    const inputSoFar = () => (inputRead ? input : undefined);
    const info: RequestInfo = {
      accept: null,
      type,
      isBatchCall: false,
      calls: [{ path, batchIndex: 0, procedure: router._def.procedures[path], getRawInput, result: inputSoFar }],
      connectionParams: null,
      signal: aborted.signal,
      url: null,
    };
    let ctx: unknown;
    let body;
    let json: string;
    let error: TRPCError | undefined;
    try {
      ctx = await trpcOptions.createContext?.({ req, res: reply, info });
      const data: unknown = await callTRPCProcedure({ router, path, type, ctx, getRawInput, signal: aborted.signal, batchIndex: 0 });
      if (isStreamLike(data)) {
        throw new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink' });
      }
      body = { result: { data } };
      json = JSON.stringify(transformTRPCResponse(config, body));
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause);
      trpcOptions.onError?.({ error, path, input: inputSoFar(), ctx, type, req });
      body = { error: getErrorShape({ config, error, type, path, input: inputSoFar(), ctx }) };
      json = JSON.stringify(transformTRPCResponse(config, body));
    }
    const errors = error ? [error] : [];
    const meta = trpcOptions.responseMeta?.({ ctx, info, paths: [path], type, data: [body], errors, eagerGeneration: false }) ?? {};
    reply.code(meta.status ?? getHTTPStatusCode(body, errors));
    reply.header('vary', 'trpc-accept, accept').header('content-type', 'application/json');
    // As tRPC does: a Headers object's entries and arrays add to what is there, a string replaces it.
    const added = meta.headers instanceof Headers ? [...meta.headers.entries()] : Object.entries(meta.headers ?? {});
    for (const [name, value] of added) {
      if (typeof value === 'string' && !(meta.headers instanceof Headers)) reply.header(name, value);
      else if (value !== undefined) reply.header(name, [reply.getHeader(name) ?? [], value].flat().map(String));
    }
    // A Buffer: Fastify would add `; charset=utf-8` to a string's content type, which tRPC does not send.
    await reply.send(Buffer.from(json));
  }

  app.all<RouteShape>('/:path', async (req, reply) => {
    const call = directCall(req, router);
    if (call) return answer(req, reply, call);
    await fastifyRequestHandler({ ...trpcOptions, req, res: reply, path: req.params.path });
  });
}
