/**
 * What the sandbox Jira site is configured with: the JSM project `ACCESS`, its issue types, request
 * types and the custom fields of an access request with their options. Exported so product code and
 * tests can read the same ids the sandbox answers with.
 */

import { STANDARD_SELECT_OPTIONS } from './field-options';
import { REVIEW_INITIAL_STATUS_ID } from './workflow';

/** The custom field ids of this site (real sites differ: discover them by name via `GET /rest/api/3/field`). */
export const JIRA_FIELD_IDS = {
  requestType: 'customfield_10010',
  application: 'customfield_10050',
  accessType: 'customfield_10051',
  duration: 'customfield_10052',
  justification: 'customfield_10053',
} as const;

export type SelectFieldKey = 'application' | 'accessType' | 'duration';

export const SELECT_FIELD_KEYS: readonly SelectFieldKey[] = ['application', 'accessType', 'duration'];

export interface SelectOption {
  id: string;
  value: string;
}

export interface SelectField {
  key: SelectFieldKey;
  id: string;
  name: string;
  options: readonly SelectOption[];
}

export interface TextField {
  id: string;
  name: string;
}

export interface JiraProject {
  id: string;
  key: string;
  name: string;
  projectTypeKey: 'service_desk';
}

export interface JiraServiceDesk {
  id: string;
  portalId: string;
}

export interface JiraIssueType {
  id: string;
  name: string;
  description: string;
  avatarId: number;
}

export interface JiraRequestType {
  id: string;
  /** Portal key: the form `customfield_10010` takes through the REST API is `<portal key>/<key>`. */
  key: string;
  name: string;
  description: string;
  helpText: string;
  issueTypeId: string;
  /** Portal groups the request type is shown in; none: not on the customer portal (raised through the API). */
  groupIds: readonly string[];
  /** The status its issues start in (the workflow's own start, `INITIAL_STATUS_ID`, when absent). */
  initialStatusId?: string;
}

export interface JiraCatalog {
  project: JiraProject;
  serviceDesk: JiraServiceDesk;
  /** The customer portal's key, as in `access/request-application-access`. */
  portalKey: string;
  issueTypes: readonly JiraIssueType[];
  requestTypes: readonly JiraRequestType[];
  requestTypeField: TextField;
  selectFields: Readonly<Record<SelectFieldKey, SelectField>>;
  justificationField: TextField;
}

/** Options added to a select field beyond the standard ones (tests use odd durations such as `2 seconds`). */
export type ExtraSelectOptions = Partial<Record<SelectFieldKey, readonly string[]>>;

const ISSUE_TYPES: readonly JiraIssueType[] = [
  { id: '10003', name: 'Service Request', description: 'Created by Jira Service Management.', avatarId: 10556 },
  {
    id: '10004',
    name: 'Service Request with Approvals',
    description: 'For requests that require approval. Created by Jira Service Management',
    avatarId: 10556,
  },
];

const REQUEST_TYPES: readonly JiraRequestType[] = [
  {
    id: '10',
    key: 'request-application-access',
    name: 'Request Application Access',
    description: 'Get time-limited access to an application or environment.',
    helpText: 'Pick the application, the kind of access and how long you need it. Your manager approves the request.',
    issueTypeId: '10004',
    groupIds: ['1'],
  },
  {
    id: '11',
    key: 'request-access-removal',
    name: 'Request Access Removal',
    description: 'Give up access you no longer need.',
    helpText: 'Access is removed right away, no approval needed.',
    issueTypeId: '10003',
    groupIds: ['1'],
  },
  {
    id: '12',
    key: 'request-access-change',
    name: 'Request Access Change',
    description: 'Change the kind of access you have or extend how long you keep it.',
    helpText: 'Changes go through the same approval as new access.',
    issueTypeId: '10004',
    groupIds: ['1'],
  },
  {
    id: '13',
    key: 'access-review',
    name: 'Access Review',
    description: 'Decide whether a person keeps an access (raised by Leasehold during an access review).',
    helpText: 'Move the request to Keep or Revoke.',
    issueTypeId: '10003',
    groupIds: [],
    initialStatusId: REVIEW_INITIAL_STATUS_ID,
  },
];

/** Builds the catalog; extra option values get ids after the standard ones of their field. */
export function buildJiraCatalog(extra: ExtraSelectOptions = {}): JiraCatalog {
  const selectField = (key: SelectFieldKey): SelectField => {
    const spec = STANDARD_SELECT_OPTIONS[key];
    const values = [...spec.values, ...(extra[key] ?? []).filter((v) => !spec.values.includes(v))];
    return {
      key,
      id: JIRA_FIELD_IDS[key],
      name: spec.name,
      options: values.map((value, i) => ({ id: String(spec.firstOptionId + i), value })),
    };
  };
  return {
    project: { id: '10000', key: 'ACCESS', name: 'IT Access Requests', projectTypeKey: 'service_desk' },
    serviceDesk: { id: '1', portalId: '1' },
    portalKey: 'access',
    issueTypes: ISSUE_TYPES,
    requestTypes: REQUEST_TYPES,
    requestTypeField: { id: JIRA_FIELD_IDS.requestType, name: 'Request Type' },
    selectFields: {
      application: selectField('application'),
      accessType: selectField('accessType'),
      duration: selectField('duration'),
    },
    justificationField: { id: JIRA_FIELD_IDS.justification, name: 'Justification' },
  };
}

/** The catalog of a sandbox started without extra options. */
export const jiraCatalog: JiraCatalog = buildJiraCatalog();

/** A request type by id, name (case-insensitive) or `<portal>/<key>` / `<key>`. */
export function findRequestType(catalog: JiraCatalog, ref: string): JiraRequestType | undefined {
  const lower = ref.trim().toLowerCase();
  return catalog.requestTypes.find(
    (rt) =>
      rt.id === ref ||
      rt.name.toLowerCase() === lower ||
      rt.key === lower ||
      `${catalog.portalKey}/${rt.key}` === lower,
  );
}

export function findIssueType(catalog: JiraCatalog, ref: { id?: string; name?: string }): JiraIssueType | undefined {
  return catalog.issueTypes.find((t) =>
    ref.id !== undefined ? t.id === ref.id : t.name.toLowerCase() === ref.name?.toLowerCase(),
  );
}

export function selectFieldById(catalog: JiraCatalog, fieldId: string): SelectField | undefined {
  return Object.values(catalog.selectFields).find((f) => f.id === fieldId);
}
