import type { Page } from '@herald/db';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 250;

@ObjectType()
export class PageInfo {
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;

  @Field()
  hasNextPage!: boolean;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor from the previous page.' })
  after?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
}

/** A Relay-style connection type for `T` (edges with cursors, plus `nodes` as a shortcut). */
export function ConnectionType<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass implements Connection<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [node])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionClass;
}

export function toConnection<E extends { id: string }, T>(
  page: Page<E>,
  map: (row: E) => T,
): Connection<T> {
  const nodes = page.items.map(map);
  return {
    nodes,
    edges: nodes.map((node, i) => ({ cursor: page.items[i].id, node })),
    pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
  };
}
