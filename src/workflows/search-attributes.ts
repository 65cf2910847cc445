import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Leasehold's custom search attributes: what an operator filters on in the Temporal UI
 * (e.g. `LeaseholdState = "RevocationFailing"`). Registered by the embedded dev server and by the
 * compose admin-tools job from this one list.
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

/** `Name=Type` pairs in the Temporal CLI's spelling (`temporal server start-dev --search-attribute`). */
export function searchAttributeCliArgs(): string[] {
  const cliType: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.DATETIME]: 'Datetime',
    [SearchAttributeType.TEXT]: 'Text',
    [SearchAttributeType.INT]: 'Int',
    [SearchAttributeType.DOUBLE]: 'Double',
    [SearchAttributeType.BOOL]: 'Bool',
    [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  };
  return Object.values(searchAttributes).map((key) => `${key.name}=${cliType[key.type]}`);
}
