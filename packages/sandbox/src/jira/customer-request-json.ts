import { adfToWiki } from './adf';
import { SELECT_FIELD_KEYS } from './catalog';
import { jsmDate } from './dates';
import { currentStatusJson } from './issue-json';
import { accountOf, type RenderContext } from './render-context';
import type { StoredIssue } from './store';
import { avatarUrls } from './user-json';

/** An issue as the JSM API shows a customer request (`/rest/servicedeskapi/request`). */
export function customerRequestJson(issue: StoredIssue, ctx: RenderContext): Record<string, unknown> {
  const { catalog, base } = ctx;
  const reporter = accountOf(ctx, issue.reporterId);
  const userLink = `${base}/rest/api/2/user?accountId=${reporter.accountId}`;
  const fieldValues: Array<{ fieldId: string; label: string; value: unknown }> = [
    { fieldId: 'summary', label: 'Summary', value: issue.summary },
  ];
  if (issue.description)
    fieldValues.push({ fieldId: 'description', label: 'Description', value: adfToWiki(issue.description) });
  for (const key of SELECT_FIELD_KEYS) {
    const option = issue.selections[key];
    const field = catalog.selectFields[key];
    if (option)
      fieldValues.push({
        fieldId: field.id,
        label: field.name,
        value: { self: `${base}/rest/api/2/customFieldOption/${option.id}`, value: option.value, id: option.id },
      });
  }
  if (issue.justification)
    fieldValues.push({
      fieldId: catalog.justificationField.id,
      label: catalog.justificationField.name,
      value: adfToWiki(issue.justification),
    });
  const showEmail = reporter.emailVisible || reporter.accountId === ctx.viewerId;
  return {
    _expands: ['participant', 'status', 'sla', 'requestType', 'serviceDesk', 'attachment', 'action', 'comment'],
    issueId: issue.id,
    issueKey: issue.key,
    requestTypeId: issue.requestTypeId,
    serviceDeskId: catalog.serviceDesk.id,
    createdDate: jsmDate(issue.created),
    reporter: {
      accountId: reporter.accountId,
      ...(showEmail ? { emailAddress: reporter.email } : {}),
      displayName: reporter.displayName,
      active: reporter.active,
      timeZone: reporter.timeZone,
      _links: { jiraRest: userLink, avatarUrls: avatarUrls(reporter), self: userLink },
    },
    requestFieldValues: fieldValues,
    currentStatus: currentStatusJson(issue),
    _links: {
      jiraRest: `${base}/rest/api/2/issue/${issue.id}`,
      web: `${base}/servicedesk/customer/portal/${catalog.serviceDesk.portalId}/${issue.key}`,
      agent: `${base}/browse/${issue.key}`,
      self: `${base}/rest/servicedeskapi/request/${issue.id}`,
    },
  };
}
