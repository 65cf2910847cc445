import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Leasehold's custom search attributes: what an operator filters on in the Temporal UI
 * (e.g. `LeaseholdState = "RevocationFailing"`). Registered from this one list by `leasehold temporal setup`
 * (src/temporal/namespace.ts), which the compose job, the embedded server and the tests all run.
 */
export const searchAttributes = {
  requester: defineSearchAttributeKey('LeaseholdRequester', SearchAttributeType.KEYWORD),
  application: defineSearchAttributeKey('LeaseholdApplication', SearchAttributeType.KEYWORD),
  accessLevel: defineSearchAttributeKey('LeaseholdAccessLevel', SearchAttributeType.KEYWORD),
  state: defineSearchAttributeKey('LeaseholdState', SearchAttributeType.KEYWORD),
  expiresAt: defineSearchAttributeKey('LeaseholdExpiresAt', SearchAttributeType.DATETIME),
  jiraKey: defineSearchAttributeKey('LeaseholdJiraKey', SearchAttributeType.KEYWORD),
  /** Removal and change requests a grant consumed: the starter answers their redelivery as a duplicate. */
  relatedIssues: defineSearchAttributeKey('LeaseholdRelatedIssues', SearchAttributeType.KEYWORD_LIST),
  /** `Failing` while Jira write-back cannot get through (it keeps trying), `OK` once it has. */
  jiraWriteBack: defineSearchAttributeKey('LeaseholdJiraWriteBack', SearchAttributeType.KEYWORD),
} as const;
