export { laneWorkflow } from './lane';
export { reconcilerWorkflow } from './reconciler';
export { retentionWorkflow } from './retention';
