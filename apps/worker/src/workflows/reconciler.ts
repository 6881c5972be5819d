import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { reconcile } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});

/** Started by a Temporal schedule every few seconds; see the reconcile activity. */
export async function reconcilerWorkflow(): Promise<number> {
  return reconcile();
}
