/**
 * @leasehold/sandbox: faithful sandboxes of Jira Cloud / JSM, Okta, Entra ID / Microsoft Graph, GitHub,
 * Google Workspace, AWS IAM Identity Center and Slack that the real vendor SDKs talk to, the sample
 * organisation loaded in them, and their fault switches.
 * Leasehold's demo mode (`npm start`, `leasehold sandbox`, `leasehold demo`) and its tests use it; the
 * production install (`leasehold worker`, `leasehold webhook`, the image) does not contain it.
 */
export { startSandboxes, type Sandboxes, type SandboxesOptions } from './sandboxes';
export * from './sample-data';
export { FaultSwitch, type Fault, type FaultSettings, type FaultSettingsInput } from './faults';
export * from './jira';
export * from './okta';
export * from './entra';
export * from './github';
export * from './google';
export * from './aws';
export * from './slack';
export { loadSandboxState, writeFileAtomic } from './persistence/state-file';
export type { SavedJira, SavedSandboxes } from './persistence/schemas';
export type { OktaDirectoryState } from './okta/directory';
export type { EntraDirectoryState } from './entra/directory';
