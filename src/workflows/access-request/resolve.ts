import { upsertSearchAttributes } from '@temporalio/workflow';
import { grantDuration } from '../../policy/approval';
import { parseDuration } from '../../policy/duration';
import { failureMessage } from '../failures';
import { searchAttributes } from '../search-attributes';
import { lookups } from './activities';
import { finish } from './finish';
import { patiently } from './patience';
import type { RequestRun } from './run';
import { texts } from './texts';
import type { EvidenceRecord } from './types';

/** The rule's approver fields (Assignee, Approvers…): who was in them when the request was raised. */
export async function readFieldApprovers(run: RequestRun): Promise<string[]> {
  const fields = fieldsOf(run);
  if (fields.length === 0) return [];
  const read = await patiently(run, 'the approver fields in Jira', () =>
    lookups.fieldApprovers.executeWithOptions({ summary: `who was in ${fields.join(', ')} when it was raised` }, [
      { jira: run.policy!.jira, issueKey: run.input.issueKey, fields },
    ]),
  );
  run.snapshot.fieldApprovers = read.approvers;
  run.snapshot.fieldChanges = read.changes;
  return fields;
}

function fieldsOf(run: RequestRun): string[] {
  return (run.rule?.level.approval.approvers ?? []).flatMap((a) =>
    typeof a === 'object' && 'field' in a ? [a.field] : [],
  );
}

/**
 * Step 1: the rule in force (pinned for the whole request), the requester and their manager, the
 * directory groups, the granted duration. Returns the evidence when the request ends here.
 */
export async function resolve(run: RequestRun): Promise<EvidenceRecord | undefined> {
  const { input, snapshot } = run;
  const wanted = { application: input.application, accessType: input.accessType };
  const policy = await patiently(run, 'the rules', () =>
    lookups.loadPolicy.executeWithOptions({ summary: 'the rules in force for this access' }, [wanted]),
  );
  run.policy = policy;
  if (!policy.rule) return finish(run, 'ManualHandling', texts.manualHandling(policy.unmatchedReason));
  const rule = policy.rule;
  snapshot.rule = rule;
  const { connectionName, connection } = rule;

  try {
    const people = await patiently(run, 'the requester in Jira and the directory', () =>
      lookups.resolveRequester.executeWithOptions({ summary: 'the requester and their manager' }, [
        { connectionName, connection, jira: policy.jira, accountId: input.requester.accountId },
      ]),
    );
    snapshot.requester = people.requester;
    snapshot.manager = people.manager;
    await readFieldApprovers(run);
    run.groups = await patiently(run, 'the directory groups', () =>
      lookups.resolveGroups.executeWithOptions({ summary: `the groups ${rule.level.groups.join(', ')}` }, [
        { connectionName, connection, groups: rule.level.groups },
      ]),
    );
  } catch (err) {
    return finish(run, 'Failed', texts.notProcessed(failureMessage(err)), policy.outcomes.failed);
  }
  upsertSearchAttributes([{ key: searchAttributes.requester, value: snapshot.requester.email }]);

  const granted = grantDuration(rule.level, input.duration ? parseDuration(input.duration) : undefined);
  snapshot.grantedDurationMs = granted.ms;
  snapshot.durationCapped = granted.capped;
  return undefined;
}
