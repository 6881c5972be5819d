export { laneWorkflow } from './lane';
export { reconcilerWorkflow } from './reconciler';
