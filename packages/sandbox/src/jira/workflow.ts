/**
 * The workflow of the ACCESS project: statuses with their categories, the global transitions into
 * each status (so an issue can be moved anywhere, back to Waiting for approval included) and the
 * resolution set when an issue reaches a done status. Access requests start in Waiting for approval;
 * access review items (request type Access Review) in Waiting for review, and end in Keep or Revoke.
 */

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface StatusCategory {
  id: number;
  key: StatusCategoryKey;
  colorName: string;
  name: string;
}

export const STATUS_CATEGORIES: Readonly<Record<StatusCategoryKey, StatusCategory>> = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};

export interface JiraStatus {
  id: string;
  name: string;
  description: string;
  category: StatusCategoryKey;
}

export const JIRA_STATUSES: readonly JiraStatus[] = [
  { id: '10002', name: 'Waiting for approval', description: 'Waiting for an approver to decide.', category: 'new' },
  { id: '10001', name: 'Waiting for support', description: 'Waiting for the service desk team.', category: 'new' },
  { id: '3', name: 'In Progress', description: 'Someone is working on the request.', category: 'indeterminate' },
  {
    id: '10010',
    name: 'Approved by Manager',
    description: 'The manager approved the request.',
    category: 'indeterminate',
  },
  { id: '10011', name: 'Rejected', description: 'The approver rejected the request.', category: 'done' },
  { id: '10012', name: 'Declined by User', description: 'The requester withdrew the request.', category: 'done' },
  {
    id: '10013',
    name: 'Access Granted',
    description: 'Access is in place until it expires.',
    category: 'indeterminate',
  },
  { id: '10014', name: 'Access Expired', description: 'Access was removed at the end of its lease.', category: 'done' },
  {
    id: '10015',
    name: 'Access Revoked',
    description: 'Access was removed before the end of its lease.',
    category: 'done',
  },
  { id: '10016', name: 'Access Failed', description: 'Access could not be granted.', category: 'done' },
  // Access reviews: one issue per person and access under review, decided by a reviewer.
  {
    id: '10020',
    name: 'Waiting for review',
    description: 'Waiting for a reviewer to decide whether the access stays.',
    category: 'new',
  },
  { id: '10021', name: 'Keep', description: 'The reviewer decided the access stays.', category: 'done' },
  { id: '10022', name: 'Revoke', description: 'The reviewer decided the access is removed.', category: 'done' },
];

/** New issues start here (unless their request type names another start: see `JiraRequestType.initialStatusId`). */
export const INITIAL_STATUS_ID = '10002';

/** Access Review issues start here. */
export const REVIEW_INITIAL_STATUS_ID = '10020';

export interface JiraTransition {
  id: string;
  name: string;
  toStatusId: string;
}

/** Global transitions ("all statuses can move to this one"), one per status. */
export const JIRA_TRANSITIONS: readonly JiraTransition[] = [
  { id: '11', name: 'Request approval', toStatusId: '10002' },
  { id: '21', name: 'Approve', toStatusId: '10010' },
  { id: '31', name: 'Reject', toStatusId: '10011' },
  { id: '41', name: 'Decline', toStatusId: '10012' },
  { id: '51', name: 'Grant access', toStatusId: '10013' },
  { id: '61', name: 'Expire access', toStatusId: '10014' },
  { id: '71', name: 'Revoke access', toStatusId: '10015' },
  { id: '81', name: 'Mark as failed', toStatusId: '10016' },
  { id: '91', name: 'Wait for support', toStatusId: '10001' },
  { id: '101', name: 'Start progress', toStatusId: '3' },
  { id: '111', name: 'Request review', toStatusId: '10020' },
  { id: '121', name: 'Keep', toStatusId: '10021' },
  { id: '131', name: 'Revoke', toStatusId: '10022' },
];

export interface JiraResolution {
  id: string;
  name: string;
  description: string;
}

/** Set by the workflow's post-function on entering a done status; cleared on leaving it. */
export const DONE_RESOLUTION: JiraResolution = {
  id: '10000',
  name: 'Done',
  description: 'Work has been completed on this issue.',
};

export function statusById(id: string): JiraStatus {
  const found = JIRA_STATUSES.find((s) => s.id === id);
  if (!found) throw new Error(`unknown Jira status id ${id}`);
  return found;
}

export function statusByName(name: string): JiraStatus | undefined {
  return JIRA_STATUSES.find((s) => s.name.toLowerCase() === name.trim().toLowerCase());
}

/**
 * Transitions offered from a status: every global transition except the one into the current status
 * (Jira does not offer a global transition that would not change the status).
 */
export function availableTransitions(currentStatusId: string): JiraTransition[] {
  return JIRA_TRANSITIONS.filter((t) => t.toStatusId !== currentStatusId);
}
