import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { buildEvidence } from '../workflows/access-request/evidence';
import type { EvidenceRecord, RequestSnapshot } from '../workflows/access-request/types';
import { workflowBundleOption } from '../worker/workflow-bundle';

/**
 * Rebuilds a request's evidence record from its workflow history alone: the history is replayed
 * against the workflow code (no worker, no activity, no I/O) and the state it reaches is the evidence.
 * Works for running and closed requests, and while no worker is up.
 */
export async function evidenceFromHistory(client: Client, workflowId: string): Promise<EvidenceRecord> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  let last: RequestSnapshot | undefined;
  await Worker.runReplayHistory(
    {
      ...(await workflowBundleOption()),
      replayName: 'leasehold-evidence',
      sinks: {
        audit: {
          stateChanged: {
            fn: (_info, snapshot: RequestSnapshot) => {
              last = snapshot;
            },
            callDuringReplay: true,
          },
        },
      },
    },
    history,
    workflowId,
  );
  if (!last) throw new Error(`${workflowId} has not reached any state yet`);
  return buildEvidence(last);
}
