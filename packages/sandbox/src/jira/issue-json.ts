import { adfToWiki, type AdfDoc } from './adf';
import { type JiraRequestType, SELECT_FIELD_KEYS } from './catalog';
import { jiraDateTime, jsmDate } from './dates';
import type { FieldDescriptor } from './fields';
import { accountOf, type RenderContext, restApi } from './render-context';
import type { StoredAttachment, StoredChangelog, StoredComment, StoredIssue } from './store';
import { userRef } from './user-json';
import { STATUS_CATEGORIES, statusById } from './workflow';

/** Issues and what hangs off them in Jira's JSON: v3 (ADF) or v2/webhook (wiki strings). */

const ISSUE_EXPAND =
  'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations,customfield_10010.requestTypePractice';

function richText(doc: AdfDoc | null, ctx: RenderContext): AdfDoc | string | null {
  if (!doc) return null;
  return ctx.api === 3 ? doc : adfToWiki(doc);
}

function user(accountId: string | null, ctx: RenderContext): Record<string, unknown> | null {
  return accountId ? userRef(accountOf(ctx, accountId), ctx) : null;
}

export function statusJson(statusId: string, ctx: RenderContext): Record<string, unknown> {
  const status = statusById(statusId);
  const category = STATUS_CATEGORIES[status.category];
  return {
    self: `${restApi(ctx)}/status/${status.id}`,
    description: status.description,
    iconUrl: `${ctx.base}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: { self: `${restApi(ctx)}/statuscategory/${category.id}`, ...category },
  };
}

export function commentJson(issue: StoredIssue, comment: StoredComment, ctx: RenderContext): Record<string, unknown> {
  return {
    self: `${restApi(ctx)}/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    author: user(comment.authorId, ctx),
    body: richText(comment.body, ctx),
    updateAuthor: user(comment.authorId, ctx),
    created: jiraDateTime(comment.created),
    updated: jiraDateTime(comment.updated),
    jsdPublic: comment.jsdPublic,
  };
}

/** One entry of `GET /issue/{key}/changelog`: `{ id, author, created, items }`. */
export function changelogJson(entry: StoredChangelog, ctx: RenderContext): Record<string, unknown> {
  return { id: entry.id, author: user(entry.authorId, ctx), created: jiraDateTime(entry.created), items: entry.items };
}

export function attachmentJson(attachment: StoredAttachment, ctx: RenderContext): Record<string, unknown> {
  return {
    self: `${restApi(ctx)}/attachment/${attachment.id}`,
    id: attachment.id,
    filename: attachment.filename,
    author: user(attachment.authorId, ctx),
    created: jiraDateTime(attachment.created),
    size: attachment.content.length,
    mimeType: attachment.mimeType,
    content: `${restApi(ctx)}/attachment/content/${attachment.id}`,
  };
}

/** A request type as the JSM API and the Request Type field show it. */
export function requestTypeJson(requestType: JiraRequestType, ctx: RenderContext): Record<string, unknown> {
  const { serviceDesk } = ctx.catalog;
  const icon = (size: string): string =>
    `${ctx.base}/rest/api/2/universal_avatar/view/type/SD_REQTYPE/avatar/10527?size=${size}`;
  return {
    _expands: ['field'],
    id: requestType.id,
    _links: { self: `${ctx.base}/rest/servicedeskapi/servicedesk/${serviceDesk.id}/requesttype/${requestType.id}` },
    name: requestType.name,
    description: requestType.description,
    helpText: requestType.helpText,
    issueTypeId: requestType.issueTypeId,
    serviceDeskId: serviceDesk.id,
    portalId: serviceDesk.portalId,
    groupIds: requestType.groupIds,
    icon: {
      id: '10527',
      _links: {
        iconUrls: { '48x48': icon('large'), '24x24': icon('small'), '16x16': icon('xsmall'), '32x32': icon('medium') },
      },
    },
  };
}

/** JSM `currentStatus`: the status name with its category in capitals and the date it was entered. */
export function currentStatusJson(issue: StoredIssue): Record<string, unknown> {
  const status = statusById(issue.statusId);
  return {
    status: status.name,
    statusCategory: status.category.toUpperCase(),
    statusDate: jsmDate(issue.statusChangedAt),
  };
}

/** The value of the JSM Request Type field (`customfield_10010`); null when the issue has no request type. */
export function requestTypeFieldValue(issue: StoredIssue, ctx: RenderContext): Record<string, unknown> | null {
  const requestType = ctx.catalog.requestTypes.find((rt) => rt.id === issue.requestTypeId);
  if (!requestType) return null;
  return {
    _links: {
      jiraRest: `${ctx.base}/rest/api/2/issue/${issue.id}`,
      web: `${ctx.base}/servicedesk/customer/portal/${ctx.catalog.serviceDesk.portalId}/${issue.key}`,
      agent: `${ctx.base}/browse/${issue.key}`,
      self: `${ctx.base}/rest/servicedeskapi/request/${issue.id}`,
    },
    requestType: requestTypeJson(requestType, ctx),
    currentStatus: currentStatusJson(issue),
  };
}

/** Every field of the issue, unset custom fields as null (what `fields=*all` returns). */
export function issueFieldValues(issue: StoredIssue, ctx: RenderContext): Record<string, unknown> {
  const { catalog } = ctx;
  const issueType = catalog.issueTypes.find((t) => t.id === issue.issueTypeId);
  const fields: Record<string, unknown> = {
    statuscategorychangedate: jiraDateTime(issue.statusCategoryChangedAt),
    issuetype: issueType && {
      self: `${restApi(ctx)}/issuetype/${issueType.id}`,
      id: issueType.id,
      description: issueType.description,
      iconUrl: `${ctx.base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${issueType.avatarId}?size=medium`,
      name: issueType.name,
      subtask: false,
      avatarId: issueType.avatarId,
      hierarchyLevel: 0,
    },
    project: {
      self: `${restApi(ctx)}/project/${catalog.project.id}`,
      id: catalog.project.id,
      key: catalog.project.key,
      name: catalog.project.name,
      projectTypeKey: catalog.project.projectTypeKey,
      simplified: false,
      avatarUrls: { '48x48': `${ctx.base}/rest/api/2/universal_avatar/view/type/project/avatar/10411` },
    },
    resolution: issue.resolution && { self: `${restApi(ctx)}/resolution/${issue.resolution.id}`, ...issue.resolution },
    resolutiondate: issue.resolutionDate && jiraDateTime(issue.resolutionDate),
    created: jiraDateTime(issue.created),
    updated: jiraDateTime(issue.updated),
    summary: issue.summary,
    description: richText(issue.description, ctx),
    status: statusJson(issue.statusId, ctx),
    creator: user(issue.creatorId, ctx),
    reporter: user(issue.reporterId, ctx),
    assignee: user(issue.assigneeId, ctx),
    labels: [...issue.labels],
    comment: {
      comments: issue.comments.map((c) => commentJson(issue, c, ctx)),
      self: `${restApi(ctx)}/issue/${issue.id}/comment`,
      maxResults: issue.comments.length,
      total: issue.comments.length,
      startAt: 0,
    },
    attachment: issue.attachments.map((a) => attachmentJson(a, ctx)),
    [catalog.requestTypeField.id]: requestTypeFieldValue(issue, ctx),
  };
  for (const key of SELECT_FIELD_KEYS) {
    const option = issue.selections[key];
    fields[catalog.selectFields[key].id] = option
      ? { self: `${restApi(ctx)}/customFieldOption/${option.id}`, value: option.value, id: option.id }
      : null;
  }
  fields[catalog.justificationField.id] = richText(issue.justification, ctx);
  return fields;
}

export type FieldFilter = (fieldId: string) => boolean;

/**
 * The `fields` query parameter: comma-separated ids, `*all` (default), `*navigable`, and `-id` to
 * leave one out. Unknown ids are ignored, as Jira does.
 */
export function parseFieldFilter(raw: string | null, descriptors: readonly FieldDescriptor[]): FieldFilter {
  const tokens = (raw ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const excluded = new Set(tokens.filter((t) => t.startsWith('-')).map((t) => t.slice(1)));
  const included = new Set(tokens.filter((t) => !t.startsWith('-') && !t.startsWith('*')));
  const all = tokens.length === 0 || tokens.includes('*all') || (included.size === 0 && !tokens.includes('*navigable'));
  const navigable = tokens.includes('*navigable');
  const nonNavigable = new Set(descriptors.filter((d) => !d.navigable).map((d) => d.id));
  return (id) => {
    if (excluded.has(id)) return false;
    if (all || included.has(id)) return true;
    return navigable && !nonNavigable.has(id);
  };
}

/** `GET /issue/{key}`: `{ expand, id, self, key, fields }`, plus `names` when expanded. */
export function issueJson(
  issue: StoredIssue,
  ctx: RenderContext,
  options: { filter?: FieldFilter; descriptors?: readonly FieldDescriptor[]; expandNames?: boolean } = {},
): Record<string, unknown> {
  const filter = options.filter ?? (() => true);
  const fields = Object.fromEntries(Object.entries(issueFieldValues(issue, ctx)).filter(([id]) => filter(id)));
  const json: Record<string, unknown> = {
    expand: ISSUE_EXPAND,
    id: issue.id,
    self: `${restApi(ctx)}/issue/${issue.id}`,
    key: issue.key,
    fields,
  };
  if (options.expandNames && options.descriptors) {
    json.names = Object.fromEntries(options.descriptors.filter((d) => d.id in fields).map((d) => [d.id, d.name]));
  }
  return json;
}
