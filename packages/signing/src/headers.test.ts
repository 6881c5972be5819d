import { describe, expect, it } from 'vitest';
import { readHeader } from './headers';

describe('readHeader', () => {
  it('reads plain objects case-insensitively', () => {
    expect(readHeader({ 'Webhook-Id': 'msg_1' }, 'webhook-id')).toBe('msg_1');
    expect(readHeader({ 'WEBHOOK-ID': 'msg_1' }, 'Webhook-ID')).toBe('msg_1');
    expect(readHeader({ other: 'x' }, 'webhook-id')).toBeUndefined();
    expect(readHeader({ 'webhook-id': undefined }, 'webhook-id')).toBeUndefined();
  });

  it('joins array values as HTTP does', () => {
    expect(readHeader({ 'webhook-signature': ['v1,a', 'v1,b'] }, 'webhook-signature')).toBe(
      'v1,a, v1,b',
    );
    expect(readHeader({ 'webhook-signature': [] }, 'webhook-signature')).toBeUndefined();
  });

  it('reads Fetch Headers', () => {
    const headers = new Headers({ 'Webhook-Timestamp': '123' });
    headers.append('webhook-signature', 'v1,a');
    headers.append('webhook-signature', 'v1,b');
    expect(readHeader(headers, 'webhook-timestamp')).toBe('123');
    expect(readHeader(headers, 'WEBHOOK-SIGNATURE')).toBe('v1,a, v1,b');
  });

  it('reads Maps and arrays of pairs, case-insensitively', () => {
    expect(readHeader(new Map([['Webhook-Id', 'msg_1']]), 'webhook-id')).toBe('msg_1');
    expect(
      readHeader(
        [
          ['Webhook-Signature', 'v1,a'],
          ['webhook-signature', ['v1,b', 'v1,c']],
        ],
        'webhook-signature',
      ),
    ).toBe('v1,a, v1,b, v1,c');
  });

  it('reads anything with a get method', () => {
    const store: Record<string, string> = { 'webhook-id': 'msg_1' };
    expect(readHeader({ get: (name: string) => store[name] ?? null }, 'Webhook-Id')).toBe('msg_1');
  });
});
