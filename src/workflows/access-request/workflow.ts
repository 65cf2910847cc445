import { activeUntilEnd } from './active';
import { awaitApproval } from './await-approval';
import { provision } from './provision';
import { resolve } from './resolve';
import { revoke } from './revoke';
import { RequestRun } from './run';
import type { AccessRequestInput, ContinuedRequest, EvidenceRecord } from './types';

/**
 * One access request, from the Jira issue's creation to the end of the access it grants. Its history
 * is the audit evidence: every decision arrives as a signal or update (recorded by the run's
 * handlers, judged here), every check and change is an activity result.
 *
 *   1. resolve     the rule in force, the requester, the directory groups   (resolve.ts)
 *   2. approve     verified, authorized approvals before the deadline       (await-approval.ts)
 *   3. provision   every group leased, or none; operator retry              (provision.ts)
 *   4. active      asleep on the expiry timer; revocations, extensions      (active.ts)
 *   5. revoke      the leases released, retried until the directory answers (revoke.ts)
 *
 * A run continued as new (a long grant, or a flood of decisions) resumes where it was.
 */
export async function accessRequestWorkflow(
  input: AccessRequestInput,
  continued?: ContinuedRequest,
): Promise<EvidenceRecord> {
  const run = new RequestRun(input, continued);

  if (continued?.phase !== 'active') {
    const resume = continued?.approval;
    const closed =
      (resume ? undefined : await resolve(run)) ?? (await awaitApproval(run, resume)) ?? (await provision(run));
    if (closed) return closed;
  }

  const revocation = await activeUntilEnd(run);
  return revoke(run, revocation);
}
