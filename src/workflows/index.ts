// Every workflow type the worker registers.
export { accessRequestWorkflow } from './access-request/workflow';
export { groupLeaseWorkflow } from './group-lease/workflow';
export { policyWorkflow } from './policy/workflow';
export { driftWorkflow } from './drift/workflow';
export { reclaimWorkflow } from './reclaim/workflow';
export { reclaimSweepWorkflow } from './reclaim/sweep';
export { reviewCampaignWorkflow } from './review/campaign';
export { reviewItemWorkflow } from './review/item';
