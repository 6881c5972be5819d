import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { TemporalDispatcher } from './dispatcher';
import { ENQUEUE_SIGNAL, LANE_WORKFLOW, laneWorkflowId } from './names';

interface Call {
  workflowType: string;
  workflowId: string;
  signal: string;
  deliveries: unknown[];
}

/** A stand-in for the Temporal client that records signalWithStart calls (or fails them). */
function fakeClient(fail = false): { client: Client; calls: Call[] } {
  const calls: Call[] = [];
  const client = {
    workflow: {
      async signalWithStart(
        workflowType: string,
        options: { workflowId: string; signal: string; signalArgs: [{ deliveries: unknown[] }] },
      ) {
        if (fail) throw new Error('temporal unavailable');
        calls.push({
          workflowType,
          workflowId: options.workflowId,
          signal: options.signal,
          deliveries: options.signalArgs[0].deliveries,
        });
      },
    },
  } as unknown as Client;
  return { client, calls };
}

describe('TemporalDispatcher', () => {
  it('wakes each endpoint lane once per burst, carrying only manual sends', async () => {
    const { client, calls } = fakeClient();
    const dispatcher = new TemporalDispatcher(client, 'q', { warn: () => undefined }, 50);
    dispatcher.dispatch('tnt_1', [
      { deliveryId: 'dlv_1', messageId: 'msg_1', endpointId: 'ep_a' },
      { deliveryId: 'dlv_2', messageId: 'msg_1', endpointId: 'ep_b' },
    ]);
    dispatcher.dispatch('tnt_1', [
      { deliveryId: 'dlv_3', messageId: 'msg_2', endpointId: 'ep_a', manual: true },
    ]);
    dispatcher.wake('tnt_1', 'ep_c');
    expect(calls).toHaveLength(0);
    await dispatcher.flush();
    expect(calls.map((c) => c.workflowId).sort()).toEqual(
      ['ep_a', 'ep_b', 'ep_c'].map(laneWorkflowId),
    );
    expect(
      calls.every((c) => c.workflowType === LANE_WORKFLOW && c.signal === ENQUEUE_SIGNAL),
    ).toBe(true);
    expect(calls.find((c) => c.workflowId === laneWorkflowId('ep_a'))?.deliveries).toEqual([
      { deliveryId: 'dlv_3', messageId: 'msg_2', manual: true },
    ]);
    expect(calls.find((c) => c.workflowId === laneWorkflowId('ep_b'))?.deliveries).toEqual([]);
  });

  it('flushes by itself after the linger time', async () => {
    const { client, calls } = fakeClient();
    const dispatcher = new TemporalDispatcher(client, 'q', { warn: () => undefined }, 5);
    dispatcher.wake('tnt_1', 'ep_a');
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toHaveLength(1);
  });

  it('logs a failed hand-off instead of throwing (the reconciler catches up)', async () => {
    const { client } = fakeClient(true);
    const warnings: string[] = [];
    const dispatcher = new TemporalDispatcher(
      client,
      'q',
      { warn: (msg) => void warnings.push(msg) },
      5,
    );
    dispatcher.wake('tnt_1', 'ep_a');
    await expect(dispatcher.flush()).resolves.toBeUndefined();
    expect(warnings).toEqual(['lane hand-off failed; the reconciler will retry']);
  });
});

describe('TemporalDispatcher throttling', () => {
  it('signals an endpoint at most once per interval, merging later wake-ups', async () => {
    const { client, calls } = fakeClient();
    const dispatcher = new TemporalDispatcher(client, 'q', { warn: () => undefined }, 1, 100);
    dispatcher.wake('tnt_1', 'ep_a');
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      dispatcher.dispatch('tnt_1', [
        { deliveryId: `dlv_${i}`, messageId: `msg_${i}`, endpointId: 'ep_a', manual: true },
      ]);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(calls).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(calls).toHaveLength(2);
    expect(calls[1].deliveries).toHaveLength(5);
  });
});
