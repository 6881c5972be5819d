import type { Server } from 'node:http';
import {
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { ParseOptions } from 'graphql';
import { isHeraldError } from '@herald/domain';
import type { Logger } from '@herald/observability';
import type { Authenticator } from '../auth/authenticator';
import type { Principal } from '../auth/principal';
import type { ApiContext } from '../context';
import type { OperationGate } from './limits';

/** What Herald keeps per socket, beside graphql-ws's own socket and upgrade request. */
type Credential = {
  authorization?: string;
  principal?: Principal | null;
};
type SocketExtra = Extra & Partial<Credential>;

export interface SocketTransportOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  authenticator: Authenticator;
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
  gate: OperationGate;
  maxPayloadBytes: number;
  /** How often open sockets re-check their credential. */
  recheckMs: number;
  buildContext(input: {
    principal: Principal | null;
    bearerToken: string | null;
    clientIp: string | null;
  }): ApiContext;
  formatErrors(errors: readonly GraphQLError[]): GraphQLError[];
  logger: Logger;
}

/** Close code for a socket whose credential no longer authenticates (graphql-ws's Forbidden). */
export const CREDENTIAL_REVOKED = CloseCode.Forbidden;

/**
 * GraphQL over WebSocket (graphql-ws) on /graphql, running the same pipeline as HTTP: the same
 * parse options, validation rules and operation gate, and the credential authenticated again for
 * every operation. Open sockets are re-checked every `recheckMs` and whenever this process
 * revokes a credential, and closed when theirs no longer authenticates, so a subscription does
 * not outlive the key, session or portal link that opened it.
 */
export function createSocketTransport(options: SocketTransportOptions): {
  dispose(): Promise<void>;
} {
  const { authenticator, schema } = options;
  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: options.maxPayloadBytes,
  });
  const open = new Set<SocketExtra>();

  /** The socket's principal now, or null after closing it because it no longer authenticates. */
  const reauthenticate = async (extra: SocketExtra): Promise<Principal | null | undefined> => {
    if (extra.authorization === undefined) return null;
    try {
      const principal = await authenticator.authenticate(extra.authorization);
      extra.principal = principal;
      return principal;
    } catch (error) {
      if (!isHeraldError(error)) {
        // A database hiccup is not a revocation: keep the socket, refuse this operation.
        options.logger.warn('socket re-authentication failed', {
          error: (error as Error).message,
        });
        throw error;
      }
      open.delete(extra);
      extra.socket.close(CREDENTIAL_REVOKED, 'Credential revoked or expired');
      return undefined;
    }
  };

  const recheck = async (tenantId?: string): Promise<void> => {
    const targets = [...open].filter(
      (extra) =>
        extra.authorization !== undefined &&
        (tenantId === undefined ||
          !extra.principal ||
          !('tenantId' in extra.principal) ||
          extra.principal.tenantId === tenantId),
    );
    await Promise.all(targets.map((extra) => reauthenticate(extra).catch(() => undefined)));
  };
  const timer = setInterval(() => void recheck(), options.recheckMs);
  timer.unref();
  const unsubscribe = authenticator.onRevoked((tenantId) => void recheck(tenantId));

  const cleanup = useServer<{ authorization?: unknown }, Credential>(
    {
      schema,
      // A bad token is refused at connection time (close 4403), not after the first subscribe.
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        if (authorization !== undefined && typeof authorization !== 'string') return false;
        try {
          ctx.extra.principal = await authenticator.authenticate(authorization);
        } catch {
          return false;
        }
        ctx.extra.authorization = authorization;
        open.add(ctx.extra);
        return true;
      },
      onClose: (ctx) => {
        open.delete(ctx.extra);
      },
      onSubscribe: async (ctx, _id, payload) => {
        let principal: Principal | null | undefined;
        try {
          principal = await reauthenticate(ctx.extra);
        } catch {
          return options.formatErrors([
            new GraphQLError('Could not check credentials; retry', {
              extensions: { code: 'INTERNAL_SERVER_ERROR' },
            }),
          ]);
        }
        if (principal === undefined) {
          return options.formatErrors([
            new GraphQLError('Credential revoked or expired', {
              extensions: { code: 'UNAUTHENTICATED' },
            }),
          ]);
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, options.parseOptions);
        } catch (error) {
          return options.formatErrors([
            error instanceof GraphQLError
              ? new GraphQLError(error.message, {
                  extensions: { code: 'GRAPHQL_PARSE_FAILED' },
                })
              : new GraphQLError('Malformed query', { extensions: { code: 'BAD_REQUEST' } }),
          ]);
        }
        const invalid = validate(schema, document, [...specifiedRules, ...options.validationRules]);
        if (invalid.length) {
          return options.formatErrors(
            invalid.map(
              (error) =>
                new GraphQLError(error.message, {
                  extensions: {
                    ...error.extensions,
                    code: error.extensions.code ?? 'GRAPHQL_VALIDATION_FAILED',
                  },
                }),
            ),
          );
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) {
          return options.formatErrors([
            new GraphQLError('Unknown or ambiguous operation name', {
              extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
            }),
          ]);
        }
        try {
          options.gate.admit({
            document,
            operation,
            operationName: payload.operationName,
            variables: payload.variables,
            principal,
          });
        } catch (error) {
          if (error instanceof GraphQLError) return options.formatErrors([error]);
          throw error;
        }
        const bearerToken =
          /^Bearer\s+(\S+)$/i.exec(ctx.extra.authorization?.trim() ?? '')?.[1] ?? null;
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.buildContext({
            principal,
            bearerToken,
            clientIp: ctx.extra.request.socket.remoteAddress ?? null,
          }),
        };
      },
      // Subscription errors get the same stable codes and redaction as HTTP ones.
      onError: (_ctx, _id, _payload, errors) => options.formatErrors(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors?.length
          ? { ...result, errors: options.formatErrors(result.errors) }
          : undefined,
    },
    wsServer,
  );

  return {
    async dispose() {
      clearInterval(timer);
      unsubscribe();
      await cleanup.dispose();
    },
  };
}
