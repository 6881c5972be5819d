import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startTestApi, type GqlResult, type TestApi } from './harness';

/*
 * A tenant's JSON Schema runs on the API's event loop at every publish. Each hostile schema
 * below held the loop for seconds (`^(a+)+$` against 30 characters, uniqueItems over 12,000
 * objects, the `url` format over 40,000 colons); the server runs in this process, so the loop
 * delay measured here is the server's. 50 ms is a bound, not a benchmark: the work now takes a
 * few milliseconds, the regression took seconds.
 */
const BOUND_MS = 50;

let api: TestApi;
let key: string;
let histogram: IntervalHistogram;

const APP = 'redos-app';
const CREATE = `mutation($n: String!, $s: JSONObject) { createEventType(input: { name: $n, schema: $s }) { id } }`;
const SEND = `mutation($a: String!, $t: String!, $p: JSONObject!) { sendMessage(input: { application: $a, eventType: $t, payload: $p }) { message { id } } }`;

/**
 * Posts a GraphQL request whose body was serialised beforehand: the client shares this process's
 * event loop, and stringifying a 12,000-object payload inside the measured window would count
 * the test's own work as the server's.
 */
async function postSerialised(body: string) {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  const parsed = (await res.json()) as { data?: Record<string, any>; errors?: GqlResult['errors'] };
  return { status: res.status, data: parsed.data ?? null, errors: parsed.errors } as GqlResult;
}

/** The longest the event loop was held while `fn` ran, in milliseconds. */
async function worstLoopHold<T>(fn: () => Promise<T>): Promise<{ value: T; holdMs: number }> {
  histogram.reset();
  const value = await fn();
  // One more turn so a hold at the very end is recorded too.
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { value, holdMs: histogram.max / 1e6 };
}

beforeAll(async () => {
  api = await startTestApi();
  ({ apiKey: key } = await api.createTenant('ReDoS'));
  await api.ok(
    `mutation($u: String) { createApplication(input: { name: "R", uid: $u }) { id } }`,
    { u: APP },
    key,
  );
  histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
}, 60_000);

afterAll(async () => {
  histogram?.disable();
  await api?.stop();
});

const EVIL = 'a'.repeat(30) + '!';

// prettier-ignore
const HOSTILE: [label: string, schema: Record<string, unknown>, payload: Record<string, unknown>][] = [
  ['pattern ^(a+)+$', { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } }, { s: EVIL }],
  ['patternProperties ^(a+)+$', { type: 'object', patternProperties: { '^(a+)+$': { type: 'string' } }, additionalProperties: false }, { [EVIL]: 1 }],
  ['propertyNames ^(a+)+$', { type: 'object', propertyNames: { pattern: '^(a+)+$' } }, { [EVIL]: 1 }],
  ['uniqueItems over 12,000 objects', { type: 'object', properties: { xs: { type: 'array', uniqueItems: true } } }, { xs: Array.from({ length: 12_000 }, (_, i) => ({ a: i })) }],
  ['format url over 40,000 colons', { type: 'object', properties: { u: { type: 'string', format: 'url' } } }, { u: `http://${':'.repeat(40_000)} ` }],
];

describe('hostile schemas do not hold the event loop at publish', () => {
  it.each(
    HOSTILE.map(([label, schema, payload], i) => [label, `redos.t${i}`, schema, payload] as const),
  )(
    '%s: saved, then a hostile publish holds the loop < 50 ms',
    async (_label, name, schema, payload) => {
      await api.ok(CREATE, { n: name, s: schema }, key);
      // A first, harmless publish compiles and caches the validator.
      await api.gql(SEND, { a: APP, t: name, p: {} }, key);
      const body = JSON.stringify({ query: SEND, variables: { a: APP, t: name, p: payload } });
      const { value: result, holdMs } = await worstLoopHold(() => postSerialised(body));
      expect(codeOf(result) ?? 'OK', JSON.stringify(result.errors)).not.toBe(
        'INTERNAL_SERVER_ERROR',
      );
      expect(holdMs).toBeLessThan(BOUND_MS);
    },
  );

  it.each([
    ['a backreference', '^(a+)\\1$'],
    ['a lookahead', '^(?=a)(a+)+$'],
    ['a lookbehind', '(?<!b)a'],
  ])(
    'a pattern with %s is refused at save with BAD_USER_INPUT naming it',
    async (_label, pattern) => {
      const result = await api.gql(
        CREATE,
        { n: 'redos.refused', s: { type: 'string', pattern } },
        key,
      );
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].extensions?.field).toBe('schema');
      expect(result.errors?.[0].message).toMatch(/cannot be used/);
      expect(result.errors?.[0].message).toContain(JSON.stringify(pattern));
    },
  );

  it('a schema stored before the rules answers BAD_USER_INPUT at publish without running it', async () => {
    await api.ok(CREATE, { n: 'redos.stored', s: { type: 'object' } }, key);
    // As saved by an older version: a backreference over a catastrophic group.
    await api.db.withSystem((m) =>
      m.query(
        `UPDATE event_types SET schema = $1, updated_at = now() WHERE name = 'redos.stored'`,
        [JSON.stringify({ type: 'object', properties: { s: { pattern: '^(a+)+\\1$' } } })],
      ),
    );
    const { value: result, holdMs } = await worstLoopHold(() =>
      api.gql(SEND, { a: APP, t: 'redos.stored', p: { s: EVIL } }, key),
    );
    expect(codeOf(result), JSON.stringify(result.errors)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/update the schema/);
    expect(holdMs).toBeLessThan(BOUND_MS);
  });
});

describe('a schema whose shape multiplies the work is cut off by the time budget', () => {
  /** 25 levels, each an anyOf of two references to the next: a failing value tries 2^25 leaves. */
  function branchingChain(levels: number): Record<string, unknown> {
    const defs: Record<string, unknown> = { [`d${levels}`]: { type: 'string' } };
    for (let i = 0; i < levels; i++) {
      defs[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
    }
    return { type: 'object', properties: { x: { $ref: '#/$defs/d0' } }, $defs: defs };
  }

  it('answers BAD_USER_INPUT SCHEMA_TOO_COSTLY, holds the loop < 50 ms, and the next publish works', async () => {
    await api.ok(CREATE, { n: 'redos.chain', s: branchingChain(25) }, key);
    const started = Date.now();
    const { value: result, holdMs } = await worstLoopHold(() =>
      api.gql(SEND, { a: APP, t: 'redos.chain', p: { x: 1 } }, key),
    );
    expect(codeOf(result), JSON.stringify(result.errors)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].extensions?.reason).toBe('SCHEMA_TOO_COSTLY');
    expect(holdMs).toBeLessThan(BOUND_MS);
    // Refused at the budget (250 ms by default), not after the 2^25 checks ran to the end.
    expect(Date.now() - started).toBeLessThan(5_000);
    // The thread that was ended is replaced: a conforming payload publishes.
    const ok = await api.gql(SEND, { a: APP, t: 'redos.chain', p: { x: 'fine' } }, key);
    expect(ok.errors, JSON.stringify(ok.errors)).toBeUndefined();
  });
});
