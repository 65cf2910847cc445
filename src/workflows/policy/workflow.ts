import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import type * as Validation from '../../policy/validate';
import type { RulesDocument } from '../../policy/schema';
import { failureMessage } from '../failures';
import {
  activeVersionQuery,
  approveRulesUpdate,
  currentRulesQuery,
  pendingRulesQuery,
  rulesHistoryQuery,
  rulesVersionQuery,
  submitRulesUpdate,
} from './messages';
import type { PolicyState, RulesVersion, RulesVersionSummary, Submission, SubmitResult } from './types';

/**
 * The rules' validation (zod and the rules' schema), loaded when this workflow first validates, into this
 * run's own module cache. The workflow modules are loaded once and shared by every run (preloaded, see
 * src/worker/workflow-bundle.ts); zod is kept out of them, so the thousands of sleeping requests and
 * leases, which never validate rules, never load it, and zod's objects are not frozen by the sharing.
 */
function validation(): typeof Validation {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../policy/validate') as typeof Validation;
}

/**
 * What the state carries across continue-as-new must stay well under Temporal's 2 MiB payload limit
 * (a larger continue-as-new input fails every workflow task: the policy workflow would be stuck). So:
 * a document may be at most MAX_DOCUMENT_BYTES (policy/validate.ts) of JSON; the active and pending documents are always
 * kept, older ones (a pinned request keeps its own copy of its rule, so they can go) up to
 * KEEP_DOCUMENTS of them within KEEP_DOCUMENT_BYTES; the newest KEEP_SUMMARIES history entries are
 * kept, with comments and names of bounded length.
 */
const KEEP_DOCUMENTS = 20;
const KEEP_DOCUMENT_BYTES = 256 * 1024;
const KEEP_SUMMARIES = 1000;
const MAX_COMMENT_LENGTH = 500;
const MAX_NAME_LENGTH = 200;

const checks = proxyActivities<LeaseholdActivities>({
  startToCloseTimeout: '2 minutes',
  // The check heartbeats per group: a worker that dies mid-check is noticed in seconds, not minutes.
  heartbeatTimeout: '20s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

/**
 * The rules in force, as a long-running workflow: submissions are Updates (validated whole, checked
 * against the connections, then versioned), every version records who submitted and approved it and
 * when, and the history is the audit trail of every policy change.
 */
export async function policyWorkflow(carried?: PolicyState): Promise<void> {
  const state: PolicyState = carried ?? { nextVersion: 1, documents: [], history: [] };

  const active = (): RulesVersion | undefined => state.documents.find((d) => d.version === state.activeVersion);
  const summary = (version: number): RulesVersionSummary => state.history.find((h) => h.version === version)!;
  const describe = (): void => {
    const current = active();
    setCurrentDetails(
      current
        ? `rules **v${current.version}** by ${current.submittedBy} at ${current.submittedAt}${state.pending ? `\n\npending: v${state.pending.version} by ${state.pending.submittedBy}` : ''}`
        : 'no rules applied yet',
    );
  };

  const keep = (version: RulesVersion): void => {
    state.documents.push(version);
    const older = state.documents
      .filter((d) => d.version !== state.activeVersion)
      .sort((a, b) => b.version - a.version);
    const kept: RulesVersion[] = [];
    let bytes = 0;
    for (const d of older) {
      bytes += validation().jsonBytes(d);
      if (kept.length >= KEEP_DOCUMENTS - 1 || bytes > KEEP_DOCUMENT_BYTES) break;
      kept.push(d);
    }
    state.documents = [...state.documents.filter((d) => d.version === state.activeVersion), ...kept.reverse()];
    const drop = state.history.length - KEEP_SUMMARIES;
    if (drop > 0) {
      const keepSummary = (h: RulesVersionSummary, i: number): boolean =>
        i >= drop || h.version === state.activeVersion || h.version === state.pending?.version;
      state.history = state.history.filter(keepSummary);
    }
  };

  const activate = (version: RulesVersion): void => {
    const previous = state.activeVersion;
    if (previous !== undefined) summary(previous).status = 'superseded';
    state.activeVersion = version.version;
    const entry = summary(version.version);
    entry.status = 'active';
    entry.activatedAt = new Date().toISOString();
    entry.approvedBy = version.approvedBy;
    entry.approvedAt = version.approvedAt;
    keep(version);
    describe();
  };

  setHandler(
    submitRulesUpdate,
    async (submission: Submission): Promise<SubmitResult> => {
      const parsed = validation().validateRules(submission.document);
      if (!parsed.ok) throw ApplicationFailure.nonRetryable('invalid rules document', 'InvalidRules', parsed.problems);
      const rules: RulesDocument = parsed.rules;
      let check;
      try {
        check = await checks.checkRules({ rules });
      } catch (err) {
        throw ApplicationFailure.nonRetryable(
          `the rules could not be checked: ${failureMessage(err)}`,
          'RulesCheckFailed',
        );
      }
      if (check.problems.length > 0)
        throw ApplicationFailure.nonRetryable(
          'the rules do not match the connected systems',
          'InvalidRules',
          check.problems,
        );
      const current = active();
      if (current?.digest === check.digest)
        return { version: current.version, status: 'unchanged', digest: check.digest };

      const version: RulesVersion = {
        version: state.nextVersion++,
        rules,
        digest: check.digest,
        submittedBy: submission.submittedBy,
        submittedAt: new Date().toISOString(),
        comment: submission.comment,
      };
      const needsSecondAdmin = current?.rules.settings.requireSecondAdmin ?? false;
      if (state.pending) {
        // Superseded before approval: kept (like any version) so `rules show --version` can still tell what it was.
        summary(state.pending.version).status = 'withdrawn';
        keep(state.pending);
      }
      state.history.push({
        version: version.version,
        digest: version.digest,
        status: needsSecondAdmin ? 'pending' : 'active',
        submittedBy: version.submittedBy,
        submittedAt: version.submittedAt,
        comment: version.comment,
      });
      if (needsSecondAdmin) {
        state.pending = version;
        describe();
        return { version: version.version, status: 'pending', digest: version.digest };
      }
      state.pending = undefined;
      activate(version);
      return { version: version.version, status: 'active', digest: version.digest };
    },
    {
      validator: (submission: Submission) => {
        if (!submission.submittedBy?.trim()) throw new Error('submittedBy is required');
        if (submission.submittedBy.length > MAX_NAME_LENGTH)
          throw new Error(`submittedBy is longer than ${MAX_NAME_LENGTH} characters`);
        if ((submission.comment?.length ?? 0) > MAX_COMMENT_LENGTH)
          throw new Error(`the comment is longer than ${MAX_COMMENT_LENGTH} characters`);
        const parsed = validation().validateRules(submission.document);
        if (!parsed.ok) {
          throw new Error(
            `invalid rules document:\n${parsed.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
          );
        }
      },
    },
  );

  setHandler(
    approveRulesUpdate,
    ({ approvedBy }) => {
      const pending = state.pending!;
      state.pending = undefined;
      activate({ ...pending, approvedBy, approvedAt: new Date().toISOString() });
      return summary(pending.version);
    },
    {
      validator: ({ version, approvedBy }) => {
        if (!state.pending) throw new Error('no rules version is waiting for approval');
        if (state.pending.version !== version)
          throw new Error(`version ${version} is not the pending one (v${state.pending.version})`);
        if (!approvedBy?.trim()) throw new Error('approvedBy is required');
        if (approvedBy.length > MAX_NAME_LENGTH)
          throw new Error(`approvedBy is longer than ${MAX_NAME_LENGTH} characters`);
        if (approvedBy.trim().toLowerCase() === state.pending.submittedBy.trim().toLowerCase()) {
          throw new Error('a second admin must approve: the submitter cannot approve their own change');
        }
      },
    },
  );

  setHandler(currentRulesQuery, () => active());
  setHandler(activeVersionQuery, () => {
    const current = active();
    return current && { version: current.version, digest: current.digest };
  });
  setHandler(
    rulesVersionQuery,
    (version) =>
      state.documents.find((d) => d.version === version) ??
      (state.pending?.version === version ? state.pending : undefined),
  );
  setHandler(rulesHistoryQuery, () => state.history);
  setHandler(pendingRulesQuery, () => state.pending);
  describe();

  // Runs for as long as the deployment does; starts afresh when the history grows long.
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof policyWorkflow>(state);
}
