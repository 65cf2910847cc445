import { z } from 'zod';
import type { JiraAccountDirectory } from './accounts';
import { adfDocSchema, type AdfDoc, NOT_AN_ADF_DOCUMENT, wikiToAdf } from './adf';
import {
  findIssueType,
  findRequestType,
  type JiraCatalog,
  type JiraRequestType,
  selectFieldById,
  type SelectField,
  type SelectOption,
} from './catalog';
import { fieldErrors, JsmError } from './errors';
import type { IssueDraft } from './store';

/**
 * Validates the fields of a new issue as Jira does: `POST /rest/api/{2,3}/issue` `fields` (v3 takes
 * rich text as ADF, v2 as wiki strings) and JSM `requestFieldValues` (plain strings). Every invalid
 * field is reported at once, keyed by field id, in Jira's words.
 */

export interface InputContext {
  catalog: JiraCatalog;
  accounts: JiraAccountDirectory;
  /** The acting user: the reporter unless the input names another. */
  actorId: string;
  richText: 'adf' | 'wiki';
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

const idOrKeyRef = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  key: z.string().optional(),
  name: z.string().optional(),
});
const accountRef = z.looseObject({ accountId: z.string() });
const optionRef = z.union([
  z.looseObject({ id: z.union([z.string(), z.number()]) }),
  z.looseObject({ value: z.string() }),
]);

export const cannotBeSet = (fieldId: string): string =>
  `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`;

function parseRichText(raw: unknown, mode: InputContext['richText']): Parsed<AdfDoc | null> {
  if (raw === null || raw === undefined) return ok(null);
  if (mode === 'wiki')
    return typeof raw === 'string'
      ? ok(raw.trim().length > 0 ? wikiToAdf(raw) : null)
      : fail('Operation value must be a string');
  const doc = adfDocSchema.safeParse(raw);
  return doc.success ? ok(doc.data) : fail(NOT_AN_ADF_DOCUMENT);
}

function parseSelect(field: SelectField, raw: unknown): Parsed<SelectOption | null> {
  if (raw === null) return ok(null);
  const ref = optionRef.safeParse(raw);
  if (!ref.success) return fail(`Specify a valid 'id' or 'name' for ${field.name}`);
  if ('id' in ref.data) {
    const id = String(ref.data.id);
    const option = field.options.find((o) => o.id === id);
    return option ? ok(option) : fail(`Option id '${id}' is not valid`);
  }
  const value = ref.data.value;
  const option = field.options.find((o) => o.value === value);
  return option ? ok(option) : fail(`Option value '${value}' is not valid`);
}

function parseAccount(
  raw: unknown,
  accounts: JiraAccountDirectory,
  fieldId: 'reporter' | 'assignee',
): Parsed<string | null> {
  if (raw === null) return fieldId === 'assignee' ? ok(null) : fail('Reporter is required.');
  const ref = accountRef.safeParse(raw);
  const account = ref.success ? accounts.byAccountId(ref.data.accountId) : undefined;
  return account ? ok(account.accountId) : fail(`Specify a valid value for ${fieldId}`);
}

function parseSummary(raw: unknown): Parsed<string> {
  if (typeof raw !== 'string' || raw.trim().length === 0) return fail('You must specify a summary of the issue.');
  if (raw.length > 255) return fail('Summary must be less than 255 characters.');
  return ok(raw.trim());
}

function parseLabels(raw: unknown): Parsed<string[]> {
  const labels = z.array(z.string()).safeParse(raw);
  if (!labels.success) return fail('Operation value must be an array of strings');
  const spaced = labels.data.find((l) => /\s/.test(l));
  return spaced === undefined ? ok(labels.data) : fail(`The label '${spaced}' contains spaces which is invalid.`);
}

/** Fields that both APIs set the same way; returns false when `fieldId` is not one of them. */
function applyCommonField(
  draft: Partial<IssueDraft>,
  fieldId: string,
  raw: unknown,
  ctx: InputContext,
  errors: Record<string, string>,
): boolean {
  const record = <T>(parsed: Parsed<T>, set: (v: T) => void): void => {
    if (parsed.ok) set(parsed.value);
    else errors[fieldId] = parsed.error;
  };
  const select = selectFieldById(ctx.catalog, fieldId);
  if (select) {
    record(parseSelect(select, raw), (option) => {
      draft.selections = { ...draft.selections };
      if (option) draft.selections[select.key] = option;
      else delete draft.selections[select.key];
    });
    return true;
  }
  switch (fieldId) {
    case 'summary':
      record(parseSummary(raw), (v) => (draft.summary = v));
      return true;
    case 'description':
      record(parseRichText(raw, ctx.richText), (v) => (draft.description = v));
      return true;
    case ctx.catalog.justificationField.id:
      record(parseRichText(raw, ctx.richText), (v) => (draft.justification = v));
      return true;
    case 'labels':
      record(parseLabels(raw), (v) => (draft.labels = v));
      return true;
    default:
      return false;
  }
}

function withDefaults(
  draft: Partial<IssueDraft>,
  issueTypeId: string,
  requestTypeId: string | null,
  reporterId: string,
): IssueDraft {
  return {
    summary: draft.summary ?? '',
    description: draft.description ?? null,
    issueTypeId,
    requestTypeId,
    reporterId,
    assigneeId: draft.assigneeId ?? null,
    selections: draft.selections ?? {},
    justification: draft.justification ?? null,
    labels: draft.labels ?? [],
  };
}

/** `fields` of `POST /rest/api/{2,3}/issue`; throws Jira's 400 with every field error. */
export function parseIssueFields(fields: Record<string, unknown>, ctx: InputContext): IssueDraft {
  const { catalog } = ctx;
  const errors: Record<string, string> = {};
  const draft: Partial<IssueDraft> = {};
  let issueTypeId: string | undefined;
  let requestType: JiraRequestType | null = null;
  let reporterId = ctx.actorId;

  const project = idOrKeyRef.safeParse(fields.project);
  const projectOk =
    project.success &&
    (project.data.key?.toUpperCase() === catalog.project.key || String(project.data.id ?? '') === catalog.project.id);
  if (!projectOk) errors.project = 'Specify a valid project ID or key';

  if (fields.issuetype === undefined) {
    errors.issuetype = 'Specify an issue type';
  } else {
    const ref = idOrKeyRef.safeParse(fields.issuetype);
    const type = ref.success
      ? findIssueType(catalog, { id: ref.data.id === undefined ? undefined : String(ref.data.id), name: ref.data.name })
      : undefined;
    if (type) issueTypeId = type.id;
    else errors.issuetype = 'Specify a valid issue type';
  }
  if (fields.summary === undefined) errors.summary = 'You must specify a summary of the issue.';

  for (const [fieldId, raw] of Object.entries(fields)) {
    if (fieldId === 'project' || fieldId === 'issuetype') continue;
    if (applyCommonField(draft, fieldId, raw, ctx, errors)) continue;
    if (fieldId === 'reporter' || fieldId === 'assignee') {
      const parsed = parseAccount(raw, ctx.accounts, fieldId);
      if (!parsed.ok) errors[fieldId] = parsed.error;
      else if (fieldId === 'reporter' && parsed.value) reporterId = parsed.value;
      else if (fieldId === 'assignee') draft.assigneeId = parsed.value;
    } else if (fieldId === catalog.requestTypeField.id) {
      if (raw === null) continue;
      const found = typeof raw === 'string' ? findRequestType(catalog, raw) : undefined;
      if (!found) errors[fieldId] = `The request type '${String(raw)}' does not exist.`;
      else requestType = found;
    } else {
      errors[fieldId] = cannotBeSet(fieldId);
    }
  }

  if (requestType && issueTypeId && requestType.issueTypeId !== issueTypeId) {
    const typeName = catalog.issueTypes.find((t) => t.id === issueTypeId)?.name ?? issueTypeId;
    errors[catalog.requestTypeField.id] =
      `The request type '${requestType.name}' is not valid for issue type '${typeName}'.`;
  }
  if (Object.keys(errors).length > 0 || !issueTypeId) throw fieldErrors(errors);
  return withDefaults(draft, issueTypeId, requestType?.id ?? null, reporterId);
}

/** JSM `requestFieldValues` of `POST /rest/servicedeskapi/request`; throws a JSM 400 naming the fields. */
export function parseRequestFieldValues(
  values: Record<string, unknown>,
  requestType: JiraRequestType,
  reporterId: string,
  ctx: InputContext,
): IssueDraft {
  const errors: Record<string, string> = {};
  const draft: Partial<IssueDraft> = {};
  if (values.summary === undefined) errors.summary = 'Summary is required.';
  for (const [fieldId, raw] of Object.entries(values)) {
    if (!applyCommonField(draft, fieldId, raw, ctx, errors))
      errors[fieldId] = `Field '${fieldId}' is not valid for request type '${requestType.name}'.`;
  }
  if (Object.keys(errors).length > 0) {
    const detail = Object.entries(errors)
      .map(([id, msg]) => `${id}: ${msg}`)
      .join(' ');
    throw new JsmError(
      400,
      `Your request could not be created. Please check the fields have been correctly filled in. ${detail}`,
      'sd.request.create.error.fields.invalid',
    );
  }
  return withDefaults(draft, requestType.issueTypeId, requestType.id, reporterId);
}
