import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ZodError } from 'zod';
import { logger } from './logging';
import { type Fault, FaultSwitch } from './faults';

/** One request as a sandbox handler sees it: path params decoded, body read whole. */
export interface SandboxRequest {
  method: string;
  url: URL;
  path: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parses the body as JSON; throws {@link HttpError} 400 when it is not. */
  json(): unknown;
  /** Parses the body as `application/x-www-form-urlencoded`. */
  form(): URLSearchParams;
}

/** What a handler returns. A non-Buffer, non-string body is sent as JSON with `application/json`. */
export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/** Thrown by handlers to answer with an error; each sandbox renders it in its service's error format. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** A minimal method + path router: `:name` segments capture one decoded path segment. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), segments: splitPath(pattern), handler });
    return this;
  }

  get(pattern: string, handler: Handler): this {
    return this.on('GET', pattern, handler);
  }
  post(pattern: string, handler: Handler): this {
    return this.on('POST', pattern, handler);
  }
  put(pattern: string, handler: Handler): this {
    return this.on('PUT', pattern, handler);
  }
  delete(pattern: string, handler: Handler): this {
    return this.on('DELETE', pattern, handler);
  }

  /** The handler and params for a request; `methodMismatch` when the path exists under another method. */
  match(
    method: string,
    path: string,
  ): { handler: Handler; params: Record<string, string> } | { methodMismatch: boolean } {
    const segments = splitPath(path);
    let methodMismatch = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method.toUpperCase()) return { handler: route.handler, params };
      methodMismatch = true;
    }
    return { methodMismatch };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    let a: string;
    try {
      a = decodeURIComponent(actual[i]!);
    } catch {
      return undefined;
    }
    if (p.startsWith(':')) params[p.slice(1)] = a;
    else if (p !== a) return undefined;
  }
  return params;
}

export interface SandboxServerOptions {
  /** Short name for logs and the fault env var (`jira`, `okta`, `entra`). */
  name: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  router: Router;
  faults: FaultSwitch;
  /** Renders an injected fault in the service's own format. */
  renderFault(fault: Fault, req: SandboxRequest): SandboxResponse;
  /** Renders a thrown {@link HttpError} (and 404/405) in the service's own format. */
  renderError(error: HttpError, req: SandboxRequest): SandboxResponse;
  /** Runs before routing, after faults (e.g. authentication, rate limiting); a response ends the request. */
  before?(req: SandboxRequest): SandboxResponse | undefined | Promise<SandboxResponse | undefined>;
  /** Extra `/__sandbox/...` routes of this sandbox (state inspection, reset, seeding for tests). */
  admin?: Router;
  /** Largest body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

export interface RunningSandboxServer {
  /** Base URL, e.g. `http://127.0.0.1:8091` (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const ADMIN_PREFIX = '/__sandbox/';

/**
 * Starts one sandbox server. Every sandbox also answers `GET|PUT /__sandbox/faults` (the fault switch)
 * and `DELETE /__sandbox/faults` (reset); admin paths skip faults and authentication.
 */
export async function startSandboxServer(options: SandboxServerOptions): Promise<RunningSandboxServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const log = logger.child({ sandbox: options.name });

  const adminRouter = new Router()
    .get('/__sandbox/faults', () => ({ status: 200, body: options.faults.current }))
    .put('/__sandbox/faults', (req) => ({ status: 200, body: options.faults.update(req.json()) }))
    .delete('/__sandbox/faults', () => ({ status: 200, body: options.faults.reset() }));

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'sandbox handler crashed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'sandbox internal error' }));
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) {
        send(res, { status: 413, body: { error: 'request body too large' } });
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const sreq: SandboxRequest = {
      method,
      url,
      path: url.pathname,
      params: {},
      headers: req.headers,
      rawBody,
      json() {
        try {
          return JSON.parse(rawBody.toString('utf8')) as unknown;
        } catch {
          throw new HttpError(400, 'The request body is not valid JSON.', 'InvalidJson');
        }
      },
      form() {
        return new URLSearchParams(rawBody.toString('utf8'));
      },
    };

    const admin = url.pathname.startsWith(ADMIN_PREFIX);
    const started = Date.now();
    let response: SandboxResponse;
    try {
      if (admin) {
        const own = options.admin && 'handler' in options.admin.match(method, url.pathname);
        response = await route(own ? options.admin! : adminRouter, sreq, true);
      } else {
        response = await serve(sreq);
      }
    } catch (err) {
      if (err instanceof ZodError) {
        response = { status: 400, body: { error: 'invalid sandbox admin request', issues: err.issues } };
      } else {
        throw err;
      }
    }
    send(res, response);
    log.debug({ method, path: url.pathname, status: response.status, ms: Date.now() - started }, 'sandbox request');
  };

  const route = async (router: Router, req: SandboxRequest, admin: boolean): Promise<SandboxResponse> => {
    const found = router.match(req.method, req.path);
    if ('handler' in found) {
      req.params = found.params;
      try {
        return await found.handler(req);
      } catch (err) {
        if (err instanceof HttpError)
          return admin ? { status: err.status, body: { error: err.message } } : options.renderError(err, req);
        throw err;
      }
    }
    const err = found.methodMismatch
      ? new HttpError(405, `Method ${req.method} is not allowed for ${req.path}`, 'MethodNotAllowed')
      : new HttpError(404, `No resource at ${req.path}`, 'NotFound');
    return admin ? { status: err.status, body: { error: err.message } } : options.renderError(err, req);
  };

  const serve = async (req: SandboxRequest): Promise<SandboxResponse> => {
    const fault = await options.faults.next();
    if (fault) return options.renderFault(fault, req);
    try {
      const early = await options.before?.(req);
      if (early) return early;
    } catch (err) {
      if (err instanceof HttpError) return options.renderError(err, req);
      throw err;
    }
    return route(options.router, req, false);
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : http.createServer(listener);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';
  const urlHost = options.tls && host === '127.0.0.1' ? 'localhost' : host;
  return {
    url: `${scheme}://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, response: SandboxResponse): void {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  let payload: Buffer | undefined;
  if (response.body === undefined || response.body === null) {
    payload = undefined;
  } else if (Buffer.isBuffer(response.body)) {
    payload = response.body;
  } else if (typeof response.body === 'string') {
    payload = Buffer.from(response.body, 'utf8');
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    payload = Buffer.from(JSON.stringify(response.body), 'utf8');
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
  }
  if (payload) headers['content-length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}
