import 'reflect-metadata';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GraphQLError } from 'graphql';
import type { ApiConfig } from '@herald/config';
import type { Database } from '@herald/db';
import { isHeraldError } from '@herald/domain';
import { Authenticator } from './auth/authenticator';
import type { ApiContext } from './context';
import type { Principal } from './auth/principal';
import { createErrorFormatter } from './graphql/errors';
import {
  limitsPlugin,
  OperationGate,
  parseOptions,
  validationRules,
  type OperationLimits,
} from './graphql/limits';
import { createSocketTransport } from './graphql/socket';
import { buildHeraldSchema } from './graphql/schema';
import { RateLimiter } from './http/rate-limiter';
import { portalStatic } from './http/portal-static';
import { graphqlObservabilityPlugin, metricsRoute, requestObservability } from './http/metrics';
import { tracingPlugin } from './http/tracing';
import { apiMetrics, createLogger, type Logger } from '@herald/observability';
import { noDispatcher, type DeliveryHandOff } from '@herald/temporal';
import type { ResolveHost } from './modules/endpoint/url-guard';
import { createServices, type Services } from './services';
import { createMailer } from './mail/mailer';
import { DeliveryEventHub } from './events/delivery-events';

export interface ServerDeps {
  config: ApiConfig;
  db: Database;
  logger?: Logger;
  /** The Temporal hand-off; without one, messages are stored but nothing delivers them. */
  dispatcher?: DeliveryHandOff;
  /** Replaces DNS for the endpoint URL guard (tests). */
  resolveHost?: ResolveHost;
}

export interface HeraldServer {
  readonly app: express.Express;
  readonly httpServer: Server;
  readonly services: Services;
  /** Listens on config.port (0 = any free port) and returns the base URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

export async function createServer(deps: ServerDeps): Promise<HeraldServer> {
  const { config, db } = deps;
  const logger = deps.logger ?? createLogger(config.logLevel, { app: 'api' });
  const metrics = config.metrics.enabled ? apiMetrics() : null;
  const authenticator = new Authenticator(db, config.security.operatorToken);
  const events = new DeliveryEventHub(config.database.url, logger);
  await events.start();
  const services = createServices({
    config,
    db,
    authenticator,
    dispatcher: deps.dispatcher ?? noDispatcher,
    events,
    resolveHost: deps.resolveHost,
    mailer: createMailer(config.mail, logger),
    logger,
  });
  const schema = await buildHeraldSchema();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestObservability({ logger, metrics }));
  const httpServer = createHttpServer(app);
  // Slow-loris guard: a client gets this long to send its headers and body.
  httpServer.headersTimeout = 20_000;
  httpServer.requestTimeout = 60_000;
  httpServer.keepAliveTimeout = 65_000;

  const formatError = createErrorFormatter(logger);
  const formatAll = (errors: readonly GraphQLError[]) =>
    errors.map((error) => {
      const formatted = formatError(error.toJSON(), error);
      return new GraphQLError(formatted.message, {
        path: formatted.path,
        extensions: formatted.extensions,
      });
    });
  // One set of limits for every transport (graphql/limits.ts).
  const limits: OperationLimits = {
    maxTokens: config.limits.maxQueryTokens,
    maxDepth: config.limits.maxQueryDepth,
    maxAliases: config.limits.maxQueryAliases,
    maxDirectives: config.limits.maxQueryDirectives,
    maxFragmentSpreads: config.limits.maxQueryFragmentSpreads,
    maxComplexity: config.limits.maxQueryComplexity,
    introspection: config.security.introspection,
  };
  const rules = validationRules(limits);
  const gate = new OperationGate({
    schema,
    maxComplexity: limits.maxComplexity,
    mutationLimiter: new RateLimiter(config.limits.mutationsPerSecond, config.limits.mutationBurst),
  });
  const buildContext = (input: {
    principal: Principal | null;
    bearerToken: string | null;
    clientIp: string | null;
    requestId?: string;
  }): ApiContext => ({
    requestId: input.requestId ?? randomUUID(),
    principal: input.principal,
    bearerToken: input.bearerToken,
    clientIp: input.clientIp,
    services,
    traceparent: null,
  });

  // Subscriptions (live delivery log), and any other operation, over graphql-ws on the same
  // path; the token travels in connectionParams.authorization since browsers cannot set
  // headers on WebSockets.
  const sockets = createSocketTransport({
    httpServer,
    schema,
    authenticator,
    parseOptions: parseOptions(limits),
    validationRules: rules,
    gate,
    maxPayloadBytes: 64 * 1024,
    recheckMs: config.security.socketRecheckMs,
    buildContext,
    formatErrors: formatAll,
    logger,
  });

  const apollo = new ApolloServer<ApiContext>({
    schema,
    formatError,
    parseOptions: parseOptions(limits),
    validationRules: rules,
    // Introspection is governed by the shared rules (NoSchemaIntrospectionCustomRule when
    // configured off), so that HTTP and WebSocket agree; Apollo must not add its own.
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns signal handling and stops everything in order.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      graphqlObservabilityPlugin(metrics),
      tracingPlugin(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await sockets.dispose();
            },
          };
        },
      },
      limitsPlugin(gate),
    ],
  });
  await apollo.start();

  let ready = true;
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      if (!ready) throw new Error('shutting down');
      await db.ping();
      res.json({ status: 'ready' });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', reason: (error as Error).message });
    }
  });
  if (metrics) app.get('/metrics', metricsRoute());

  app.use(
    '/graphql',
    express.json({ limit: config.limits.maxRequestBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<ApiContext> => {
        const requestId =
          (req.headers['x-request-id'] as string | undefined)?.slice(0, 128) || randomUUID();
        try {
          const principal = await authenticator.authenticate(req.headers.authorization);
          const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
          return buildContext({
            requestId,
            principal,
            bearerToken: bearer,
            clientIp: req.socket.remoteAddress ?? null,
          });
        } catch (error) {
          if (isHeraldError(error)) {
            throw new GraphQLError(error.message, {
              extensions: {
                code: error.code,
                http: { status: error.code === 'UNAUTHENTICATED' ? 401 : 400 },
              },
            });
          }
          throw error;
        }
      },
    }),
  );

  // The web app from the same origin (one URL for the whole product); skipped when not built.
  const portal = portalStatic(config.portalDir);
  if (portal) app.use(portal);

  // Body-parser failures (malformed JSON, too large) answered in GraphQL's error shape.
  app.use(
    (
      error: { type?: string; status?: number; message?: string },
      _req: Request,
      res: Response,
      next: NextFunction,
    ) => {
      if (res.headersSent) return next(error);
      const status = error.status ?? 500;
      const code =
        error.type === 'entity.too.large'
          ? 'PAYLOAD_TOO_LARGE'
          : status < 500
            ? 'BAD_REQUEST'
            : 'INTERNAL_SERVER_ERROR';
      if (status >= 500) logger.error('request failed', { error: error.message });
      const message =
        code === 'PAYLOAD_TOO_LARGE'
          ? `Request body exceeds ${config.limits.maxRequestBytes} bytes`
          : code === 'BAD_REQUEST'
            ? `Malformed request: ${error.message ?? 'invalid body'}`
            : 'Internal server error';
      res.status(status).json({ errors: [{ message, extensions: { code } }] });
    },
  );

  return {
    app,
    httpServer,
    services,
    listen() {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          const host =
            config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
          resolve(`http://${host}:${port}`);
        });
      });
    },
    async stop() {
      ready = false;
      await apollo.stop();
      await events.stop();
      await services.close();
      if (httpServer.listening)
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
