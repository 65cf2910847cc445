export { startGoogleSandbox, type GoogleSandbox, type GoogleSandboxOptions, type GoogleSandboxState } from './sandbox';
export {
  DEFAULT_DELEGATED_SCOPES,
  DIRECTORY_SCOPES,
  GOOGLE_TOKEN_AUDIENCE,
  type GoogleServiceAccount,
  type ServiceAccountKeyFile,
} from './auth';
export type {
  GoogleDirectoryState,
  GoogleMembership,
  GoogleMembershipChange,
  GoogleUserRecord,
  NewGoogleUser,
} from './directory';
export type { GoogleOperationId } from './routes';
