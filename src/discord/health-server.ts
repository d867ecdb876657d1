/**
 * The optional health and metrics listener (HEALTH_PORT; HEALTH_HOST, 127.0.0.1 by default):
 *
 * - `GET /healthz`: 200 while the process is alive (it answers during model loading too).
 * - `GET /readyz`: 200 once the model and index are loaded and the gateway is connected; 503 with a
 *   short JSON reason otherwise (starting, loading, logging in, disconnected, stopping).
 * - `GET /metrics`: Prometheus text format (see metrics.ts).
 *
 * Only GET and HEAD (405 otherwise); any other path is 404. Nothing here needs a token, so bind it
 * to a private address: it says how the bot is doing, not what it has been asked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/logger.js';

/** Whether the bot can answer now, and if not, why (shown in /readyz). */
export interface Readiness {
  ready: boolean;
  /** Why it is not ready ("loading the model and the index", "gateway disconnected", "stopping"…). */
  reason?: string;
}

/** What /metrics serves: a BotMetrics, or the shard manager's metrics of every shard. */
export interface MetricsText {
  text(): Promise<string>;
  readonly contentType: string;
}

export interface HealthServerOptions {
  /** 0 takes any free port (the bound one is in `port`). */
  port: number;
  host?: string;
  /** Asked at each /readyz (the shard manager asks its shards, hence a promise). */
  readiness: () => Readiness | Promise<Readiness>;
  metrics?: MetricsText | undefined;
  logger?: Logger | undefined;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export class HealthServer {
  private constructor(
    private readonly server: Server,
    private readonly options: HealthServerOptions,
  ) {}

  /** Starts listening; rejects (EADDRINUSE, EACCES…) if the address cannot be bound. */
  static async start(options: HealthServerOptions): Promise<HealthServer> {
    const server = createServer();
    const health = new HealthServer(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      health.handle(req, res).catch((error: unknown) => {
        options.logger?.error({ err: error, path: req.url }, 'health endpoint failed');
        if (!res.headersSent) send(res, req, 500, JSON_TYPE, JSON.stringify({ status: 'error' }));
        else res.destroy();
      });
    });
    // Probes are tiny: a slow or idle client is not kept around.
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return health;
  }

  /** The bound port. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The bound address. */
  get host(): string {
    return (this.server.address() as AddressInfo).address;
  }

  /** The base URL, e.g. http://127.0.0.1:9464 (IPv6 addresses in brackets). */
  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}`;
  }

  /** Stops listening and closes open connections. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://health.invalid').pathname;
    const known = path === '/healthz' || path === '/readyz' || path === '/metrics';
    if (!known) {
      send(res, req, 404, JSON_TYPE, JSON.stringify({ status: 'not found', paths: ['/healthz', '/readyz', '/metrics'] }));
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, req, 405, JSON_TYPE, JSON.stringify({ status: 'method not allowed' }));
      return;
    }
    if (path === '/healthz') {
      send(res, req, 200, JSON_TYPE, JSON.stringify({ status: 'ok' }));
    } else if (path === '/readyz') {
      const readiness = await this.options.readiness();
      if (readiness.ready) send(res, req, 200, JSON_TYPE, JSON.stringify({ status: 'ready' }));
      else send(res, req, 503, JSON_TYPE, JSON.stringify({ status: 'not ready', reason: readiness.reason ?? 'not ready' }));
    } else if (this.options.metrics) {
      const text = await this.options.metrics.text();
      send(res, req, 200, this.options.metrics.contentType, text);
    } else {
      send(res, req, 404, JSON_TYPE, JSON.stringify({ status: 'not found' }));
    }
  }
}

function send(res: ServerResponse, req: IncomingMessage, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
