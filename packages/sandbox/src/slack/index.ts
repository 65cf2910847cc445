export {
  defaultSlackCredentials,
  startSlackSandbox,
  type SlackCredentials,
  type SlackSandbox,
  type SlackSandboxOptions,
  type SlackSandboxState,
} from './sandbox';
export { signSlackRequest, SlackClickError, type SlackClick, type SlackInteractionDelivery } from './interactions';
export type { SlackMessageView, SlackWorkspaceState, StoredSlackMessage } from './messages';
export { SLACK_METHODS, type SlackMethodName } from './api-methods';
export { SLACK_BOT_SCOPES } from './server';
