import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export interface ScheduleSpec {
  scheduleId: string;
  workflowType: string;
  taskQueue: string;
  everyMs: number;
}

/**
 * Creates a schedule that starts `workflowType` every `everyMs` unless it exists (replicas and
 * restarts share it). The workflow id is the schedule id, and a run still going when the next is
 * due makes that one skip.
 */
export async function ensureSchedule(
  client: Client,
  logger: { info(msg: string, fields?: Record<string, unknown>): void },
  spec: ScheduleSpec,
): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: spec.scheduleId,
      spec: { intervals: [{ every: spec.everyMs }] },
      action: {
        type: 'startWorkflow',
        workflowType: spec.workflowType,
        taskQueue: spec.taskQueue,
        workflowId: spec.scheduleId,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    logger.info('schedule created', { scheduleId: spec.scheduleId, everyMs: spec.everyMs });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}

/**
 * Where a worker's workflow code comes from: the bundle its build made (`workflow-bundle.js` in
 * `distDir`), else the sources, bundled on the fly (tests and development).
 */
export function workflowSource(
  distDir: string,
  resolveWorkflows: () => string,
): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const bundle = join(distDir, 'workflow-bundle.js');
  return existsSync(bundle)
    ? { workflowBundle: { codePath: bundle } }
    : { workflowsPath: resolveWorkflows() };
}
