export { startEntraSandbox, type EntraSandbox, type EntraSandboxOptions } from './server';
export type { EntraSandboxSettings, EntraSettingsPatch } from './admin-routes';
export { leaseholdApp, readOnlyApp, sandboxApps, type AppRegistration, type GraphPermission } from './apps';
export { entraRouteNames, type EntraRouteName } from './request-counts';
