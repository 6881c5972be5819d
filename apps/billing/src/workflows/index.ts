import { proxyActivities } from '@temporalio/workflow';
import type { BillingActivities } from '../activities';

const { reportUsage } = proxyActivities<BillingActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Started by the billing schedule: reports every closed hour of usage since each tenant's
 * watermark. Retries until Stripe accepts; the next scheduled run is skipped while one is going.
 */
export async function usageReportWorkflow(): Promise<{ windowsSent: number; messages: number }> {
  const summary = await reportUsage();
  return { windowsSent: summary.windowsSent, messages: summary.messagesReported };
}
