// Node flags the worker runs with (npm start, benchmarks, deployments): a bounded heap, since V8
// otherwise grows it lazily to ~400 MB under delivery load; 256 MB of old space holds a full batch
// of maximum-size payloads with room to spare.
export const WORKER_NODE_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=8'];
