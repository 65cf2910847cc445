export { startOktaSandbox, type OktaSandbox, type OktaSandboxOptions, type OktaSandboxState } from './sandbox';
export type { OktaOperationId } from './api-route';
export { OKTA_READONLY_TOKEN, defaultOktaTokens, type OktaTokens } from './auth';
export type { MembershipChange, NewOktaUser, OktaGroupType, OktaUserRecord, OktaUserStatus } from './directory';
export { DEFAULT_RATE_LIMIT_PER_MINUTE } from './rate-limiter';
