export { startJiraSandbox, type JiraSandbox, type JiraSandboxOptions, type JiraSandboxWebhookOption } from './server';
export {
  buildJiraCatalog,
  jiraCatalog,
  JIRA_FIELD_IDS,
  SELECT_FIELD_KEYS,
  type ExtraSelectOptions,
  type JiraCatalog,
  type JiraRequestType,
  type SelectField,
  type SelectFieldKey,
  type SelectOption,
} from './catalog';
export { JIRA_ACCESS_TYPE_OPTIONS, JIRA_APPLICATION_OPTIONS, JIRA_DURATION_OPTIONS } from './field-options';
export {
  JIRA_STATUSES,
  JIRA_TRANSITIONS,
  INITIAL_STATUS_ID,
  REVIEW_INITIAL_STATUS_ID,
  STATUS_CATEGORIES,
  type JiraStatus,
  type JiraTransition,
} from './workflow';
export type { JiraIssueSnapshot, JiraCommentSnapshot, JiraAttachmentSnapshot } from './inspection';
export type { JiraGroupsSnapshot } from './routes/groups';
export type { JiraGroupMembershipChange, JiraGroupsState } from './groups';
export type { RaiseRequestInput } from './simulated-people';
export {
  DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  type WebhookDelivery,
  type DeliveryAttempt,
} from './webhook-delivery';
export type { RegisteredWebhook, WebhookRegistrationInput } from './webhook-registry';
export { signWebhookBody } from './webhook-signature';
export { adfToPlainText, adfToWiki, wikiToAdf, type AdfDoc } from './adf';
export { AUTOMATION_ACCOUNT_ID } from './accounts';
export { sandboxJiraEvents, type SandboxJiraEvents } from './in-memory-events';
export type { WebhookMessage } from './webhook-payloads';
