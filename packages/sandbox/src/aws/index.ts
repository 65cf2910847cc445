export {
  startAwsSandbox,
  defaultAwsKeys,
  type AwsSandbox,
  type AwsSandboxOptions,
  type AwsSandboxState,
} from './sandbox';
export type { AwsOperation } from './operations';
export type { AwsAccessKey } from './sigv4';
export type {
  AwsDirectoryState,
  AwsGroupRecord,
  AwsMembershipChange,
  AwsMembershipRecord,
  AwsUserRecord,
  NewAwsUser,
} from './directory';
