import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type GraphQLSchema,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { RateLimitedError } from '@herald/domain';
import type { ApiContext } from '../context';
import type { RateLimiter } from '../http/rate-limiter';

/** Refuses operations nested deeper than `maxDepth` fields (fragments followed, cycles cut). */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const depthOf = (
      set: SelectionSetNode | undefined,
      depth: number,
      seen: Set<string>,
    ): number => {
      if (!set || depth > maxDepth) return depth;
      let max = depth;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue;
          max = Math.max(max, depthOf(selection.selectionSet, depth + 1, seen));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          max = Math.max(max, depthOf(selection.selectionSet, depth, seen));
        } else {
          const name = selection.name.value;
          if (seen.has(name)) continue;
          max = Math.max(
            max,
            depthOf(fragments.get(name)?.selectionSet, depth, new Set([...seen, name])),
          );
        }
      }
      return max;
    };
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const depth = depthOf(node.selectionSet, 0, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query is nested ${depth} levels deep; the limit is ${maxDepth}`, {
              nodes: [node],
              extensions: { code: 'BAD_USER_INPUT' },
            }),
          );
        }
      },
    };
  };
}

/**
 * Complexity (each field 1, lists multiplied by their page size) is checked once the operation
 * and variables are known; mutations are charged to the tenant's rate limit here as well.
 */
export function limitsPlugin(options: {
  schema: GraphQLSchema;
  maxComplexity: number;
  mutationLimiter: RateLimiter;
}): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, contextValue }) {
          let complexity: number;
          try {
            complexity = getComplexity({
              schema: options.schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [
                fieldExtensionsEstimator(),
                ({ args, childComplexity }) => {
                  const size = typeof args.first === 'number' ? args.first : null;
                  return size !== null ? 1 + childComplexity * size : undefined;
                },
                simpleEstimator({ defaultComplexity: 1 }),
              ],
            });
          } catch (error) {
            // getComplexity coerces the variables itself, so a wrongly typed variable fails here
            // before Apollo's own check: it is the request's fault, answered with 400.
            throw badRequest(error instanceof Error ? error.message : String(error));
          }
          if (complexity > options.maxComplexity) {
            throw badRequest(
              `Query complexity ${complexity} exceeds the limit of ${options.maxComplexity}`,
              {
                complexity,
                maxComplexity: options.maxComplexity,
              },
            );
          }
          const principal = contextValue.principal;
          if (operation?.operation === 'mutation' && principal && 'tenantId' in principal) {
            try {
              options.mutationLimiter.take(principal.tenantId);
            } catch (error) {
              if (!(error instanceof RateLimitedError)) throw error;
              throw new GraphQLError(error.message, {
                extensions: {
                  code: error.code,
                  retryAfterMs: error.retryAfterMs,
                  http: {
                    status: 429,
                    headers: new Map([
                      ['retry-after', String(Math.ceil(error.retryAfterMs / 1000))],
                    ]),
                  },
                },
              });
            }
          }
        },
      };
    },
  };
}

function badRequest(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...extra, http: { status: 400 } },
  });
}
