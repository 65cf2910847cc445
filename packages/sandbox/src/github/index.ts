export { startGitHubSandbox, type GitHubSandbox, type GitHubSandboxOptions, type GitHubSandboxState } from './sandbox';
export type { GitHubOperationId } from './routes';
export { defaultGitHubCredentials, type GitHubCredentials } from './auth';
export type {
  GitHubDirectoryState,
  GitHubMembershipChange,
  GitHubUserRecord,
  MembershipState,
  NewGitHubUser,
  TeamMembership,
  TeamRole,
} from './directory';
export { DEFAULT_GITHUB_RATE_LIMITS, type RateLimitResource } from './rate-limit';
