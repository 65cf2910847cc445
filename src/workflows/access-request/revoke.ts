import { condition } from '@temporalio/workflow';
import { finish } from './finish';
import { recordChanges, sendLeases } from './leases';
import type { RequestRun } from './run';
import { texts } from './texts';
import type { EvidenceRecord, Revocation } from './types';

/**
 * Step 5: the access ends. The release goes to every group's lease and is retried until the directory
 * answers (never given up); while it keeps failing the run shows RevocationFailing and operators are
 * alerted once. Then Jira hears it and the evidence is attached.
 */
export async function revoke(run: RequestRun, revocation: Revocation): Promise<EvidenceRecord> {
  const { snapshot } = run;
  snapshot.revocation = revocation;
  run.setState('Revoking');
  const released = sendLeases(run, 'release', 'revoke');
  let alerted = false;
  for (;;) {
    const failing = condition(() => snapshot.problem !== undefined && !alerted).then(() => false);
    if (await Promise.race([released.then(() => true), failing])) break;
    alerted = true;
    run.setState('RevocationFailing');
    snapshot.problem ??= { message: 'revocation is failing', since: new Date().toISOString() };
    await run.comment(texts.revocationFailing(snapshot.problem?.message));
  }
  const results = await released;
  recordChanges(run, results);
  revocation.completedAt = new Date().toISOString();
  const changes = snapshot.groupChanges.slice(-results.length);
  if (revocation.issueKey && revocation.reason === 'removal-request') {
    await run.comment(texts.removedAsRequested(changes), revocation.issueKey);
    await run.moveTo(run.statuses.revoked, revocation.issueKey);
  }
  const expired = revocation.reason === 'expired';
  const text = texts.ended(revocation, snapshot.requester!.email, changes);
  return finish(run, expired ? 'Expired' : 'Revoked', text, expired ? run.statuses.expired : run.statuses.revoked);
}
