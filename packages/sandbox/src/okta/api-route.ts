import type { SandboxRequest, SandboxResponse } from '../http';

/** The Management API operations the sandbox serves, by their OpenAPI `operationId` (= SDK method name). */
export type OktaOperationId =
  | 'listUsers'
  | 'getUser'
  | 'listUserGroups'
  | 'listGroups'
  | 'getGroup'
  | 'listGroupUsers'
  | 'assignUserToGroup'
  | 'unassignUserFromGroup';

/** One Okta Management API operation the sandbox serves. */
export interface ApiRoute {
  operationId: OktaOperationId;
  method: 'GET' | 'PUT' | 'DELETE';
  /** Router pattern, e.g. `/api/v1/groups/:groupId/users/:userId`. */
  pattern: string;
  /** `baseUrl` is the org URL the client used (scheme and host), for absolute links. */
  handle(req: SandboxRequest, baseUrl: string): SandboxResponse;
}
