/** One page of a cursor connection; pass `endCursor` as `after` to get the next. */
export interface Page<T> {
  items: T[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface PageParams {
  /** Page size, 1–250 (the API's default is 50). */
  first?: number;
  /** `endCursor` of the previous page. */
  after?: string | null;
}

/** What every connection query returns, whatever its node type. */
export interface Connection<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** Page size `listAll` asks for unless told otherwise: fewer round trips, well under the cap. */
export const LIST_ALL_PAGE_SIZE = 100;

export function toPage<T>(connection: Connection<T>): Page<T> {
  return {
    items: connection.nodes,
    endCursor: connection.pageInfo.endCursor,
    hasNextPage: connection.pageInfo.hasNextPage,
  };
}

/**
 * Walks every page lazily: the next page is fetched only when the caller has consumed the
 * current one, so breaking out of `for await` stops the requests.
 */
export async function* iterateAll<T, P extends PageParams>(
  fetchPage: (params: P) => Promise<Page<T>>,
  params: P,
): AsyncGenerator<T, void, undefined> {
  let after = params.after ?? null;
  for (;;) {
    const page = await fetchPage({ ...params, first: params.first ?? LIST_ALL_PAGE_SIZE, after });
    yield* page.items;
    // A missing or repeated cursor would loop forever; the API never sends one, but be sure.
    if (!page.hasNextPage || page.endCursor === null || page.endCursor === after) return;
    after = page.endCursor;
  }
}
