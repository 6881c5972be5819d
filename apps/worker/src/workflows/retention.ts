import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { expirePayloads } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 5 },
});

/** Runs from a schedule: expunges payloads past each tenant's retention, a budget at a time. */
export async function retentionWorkflow(): Promise<number> {
  let expunged = 0;
  // A big backlog (retention just shortened, or the job was off) is worked off over a few
  // budgets; the next scheduled run picks up anything left.
  for (let run = 0; run < 12; run++) {
    const result = await expirePayloads();
    expunged += result.expunged;
    if (!result.more) break;
  }
  return expunged;
}
