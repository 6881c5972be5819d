import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { RateLimitedError } from '@herald/domain';
import type { Principal } from '../auth/principal';
import type { ApiContext } from '../context';
import type { RateLimiter } from '../http/rate-limiter';

/**
 * The limits every GraphQL request meets, whatever transport carried it. HTTP (Apollo) and
 * WebSocket (graphql-ws) both take their parse options and validation rules from here and call
 * `OperationGate.admit` once the operation and its variables are known, so no way in skips one.
 */
export interface OperationLimits {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Fragment spreads written in the document (not their expansions, which cost bounds). */
  maxFragmentSpreads: number;
  maxComplexity: number;
  introspection: boolean;
}

/** graphql-js stops lexing after `maxTokens`, so parsing is bounded by the limit, not the body. */
export function parseOptions(limits: OperationLimits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}

/**
 * Validation rules beside graphql-js's own. graphql-armor's rules memoise each fragment, so their
 * cost is linear in the document even when fragments spread each other many times over. The
 * armor cost rule uses the same model as `OperationGate` (1 per field, a list multiplied by a
 * literal `first`): it bounds a document's expanded size before anything walks it in full, and
 * the gate then re-checks with variables (a `first: $n` is only known there).
 */
export function validationRules(limits: OperationLimits): ValidationRule[] {
  // Armor says "<what> limit of <max> exceeded, found <n>."; the numbers go to extensions too.
  const rejectAs =
    (limit: string) =>
    (context: ValidationContext | null, error: GraphQLError): void => {
      const message = error.message.replace(/^Syntax Error: /, '');
      const [, max, found] = /(\d+) exceeded, found (\d+)/.exec(message) ?? [];
      const numbers =
        limit === 'complexity'
          ? { maxComplexity: Number(max), complexity: Number(found) }
          : { max: Number(max), found: Number(found) };
      context?.reportError(
        new GraphQLError(message, {
          extensions: { code: 'BAD_USER_INPUT', limit, ...numbers },
        }),
      );
    };
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  const rules: ValidationRule[] = [
    maxDepthRule({
      ...common,
      n: limits.maxDepth,
      flattenFragments: true,
      onReject: [rejectAs('depth')],
    }),
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [rejectAs('aliases')] }),
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [rejectAs('directives')] }),
    maxFragmentSpreadsRule(limits.maxFragmentSpreads),
    costLimitRule({
      ...common,
      maxCost: limits.maxComplexity,
      objectCost: 1,
      scalarCost: 1,
      depthCostFactor: 1,
      flattenFragments: true,
      onReject: [rejectAs('complexity')],
    }),
  ];
  if (!limits.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/**
 * At most `max` fragment spreads in one document. Armor's rules memoise fragments, so spreads
 * cannot multiply their work; this bounds the document's shape itself (how many spreads a
 * client may write), which graphql-armor has no rule for. One pass, counting syntax only.
 */
export function maxFragmentSpreadsRule(max: number): ValidationRule {
  return (context) => {
    let found = 0;
    return {
      FragmentSpread() {
        found += 1;
      },
      Document: {
        leave() {
          if (found <= max) return;
          context.reportError(
            new GraphQLError(`Fragment spreads limit of ${max} exceeded, found ${found}.`, {
              extensions: { code: 'BAD_USER_INPUT', limit: 'fragmentSpreads', max, found },
            }),
          );
        },
      },
    };
  };
}

/**
 * What is checked once the operation and variables are known: complexity with variables, and
 * the tenant's mutation rate limit, charged one token per mutation field that will run (so
 * aliases and fragments cannot pack many mutations into one token).
 */
export class OperationGate {
  constructor(
    private readonly options: {
      schema: GraphQLSchema;
      maxComplexity: number;
      mutationLimiter: RateLimiter;
    },
  ) {}

  admit(request: {
    document: DocumentNode;
    operation: OperationDefinitionNode | null | undefined;
    operationName?: string | null;
    variables?: Record<string, unknown> | null;
    principal: Principal | null;
  }): void {
    let complexity: number;
    try {
      complexity = getComplexity({
        schema: this.options.schema,
        query: request.document,
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
      // before graphql-js's own check: it is the request's fault, answered with 400.
      throw badRequest(error instanceof Error ? error.message : String(error));
    }
    if (complexity > this.options.maxComplexity) {
      throw badRequest(
        `Query complexity ${complexity} exceeds the limit of ${this.options.maxComplexity}`,
        { limit: 'complexity', complexity, maxComplexity: this.options.maxComplexity },
      );
    }
    const principal = request.principal;
    if (request.operation?.operation === 'mutation' && principal && 'tenantId' in principal) {
      const fields = rootFieldCount(request.document, request.operation);
      try {
        this.options.mutationLimiter.take(principal.tenantId, fields);
      } catch (error) {
        if (!(error instanceof RateLimitedError)) throw error;
        throw new GraphQLError(error.message, {
          extensions: {
            code: error.code,
            retryAfterMs: error.retryAfterMs,
            http: {
              status: 429,
              headers: new Map([['retry-after', String(Math.ceil(error.retryAfterMs / 1000))]]),
            },
          },
        });
      }
    }
  }
}

/**
 * Root fields that execution will run: distinct response keys, following fragments once each as
 * graphql-js's field collection does. `@skip`/`@include` are not evaluated, so this may count
 * a field that will not run — never fewer than will.
 */
export function rootFieldCount(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const keys = new Set<string>();
  const visited = new Set<string>();
  const collect = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        keys.add(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return Math.max(1, keys.size);
}

/** The Apollo side of the gate. */
export function limitsPlugin(gate: OperationGate): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, contextValue }) {
          gate.admit({
            document,
            operation,
            operationName: request.operationName,
            variables: request.variables,
            principal: contextValue.principal,
          });
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
