import type { JiraCatalog } from './catalog';

/**
 * The field list of `GET /rest/api/3/field`: the system fields an issue of this site carries and the
 * custom fields of an access request, in Jira's shape, so clients can find field ids by name.
 */

export interface FieldSchema {
  type: string;
  items?: string;
  system?: string;
  custom?: string;
  customId?: number;
}

export interface FieldDescriptor {
  id: string;
  key: string;
  name: string;
  untranslatedName?: string;
  custom: boolean;
  orderable: boolean;
  navigable: boolean;
  searchable: boolean;
  clauseNames: string[];
  schema: FieldSchema;
}

const SELECT = 'com.atlassian.jira.plugin.system.customfieldtypes:select';
const TEXTAREA = 'com.atlassian.jira.plugin.system.customfieldtypes:textarea';
const REQUEST_TYPE = 'com.atlassian.servicedesk:vp-origin';

function system(
  id: string,
  name: string,
  schema: Omit<FieldSchema, 'system'>,
  clauseNames: string[] = [id],
  flags: Partial<Pick<FieldDescriptor, 'orderable' | 'navigable' | 'searchable'>> = {},
): FieldDescriptor {
  return {
    id,
    key: id,
    name,
    custom: false,
    orderable: flags.orderable ?? true,
    navigable: flags.navigable ?? true,
    searchable: flags.searchable ?? true,
    clauseNames,
    schema: { ...schema, system: id },
  };
}

function custom(id: string, name: string, schema: FieldSchema, extraClause: string): FieldDescriptor {
  const number = Number(id.replace('customfield_', ''));
  return {
    id,
    key: id,
    name,
    untranslatedName: name,
    custom: true,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [`cf[${number}]`, name, extraClause],
    schema: { ...schema, customId: number },
  };
}

export function fieldDescriptors(catalog: JiraCatalog): FieldDescriptor[] {
  const selects = Object.values(catalog.selectFields).map((f) =>
    custom(f.id, f.name, { type: 'option', custom: SELECT }, `${f.name}[Dropdown]`),
  );
  return [
    system('summary', 'Summary', { type: 'string' }),
    system('description', 'Description', { type: 'string' }),
    system('issuetype', 'Issue Type', { type: 'issuetype' }, ['issuetype', 'type']),
    system('project', 'Project', { type: 'project' }, ['project'], { orderable: false }),
    system('status', 'Status', { type: 'status' }, ['status'], { orderable: false }),
    system('reporter', 'Reporter', { type: 'user' }),
    system('assignee', 'Assignee', { type: 'user' }),
    system('creator', 'Creator', { type: 'user' }, ['creator'], { orderable: false }),
    system('created', 'Created', { type: 'datetime' }, ['created', 'createdDate'], { orderable: false }),
    system('updated', 'Updated', { type: 'datetime' }, ['updated', 'updatedDate'], { orderable: false }),
    system('statuscategorychangedate', 'Status Category Changed', { type: 'datetime' }, ['statusCategoryChangedDate'], {
      orderable: false,
    }),
    system('resolution', 'Resolution', { type: 'resolution' }),
    system('resolutiondate', 'Resolved', { type: 'datetime' }, ['resolutiondate', 'resolved'], { orderable: false }),
    system('labels', 'Labels', { type: 'array', items: 'string' }),
    system('comment', 'Comment', { type: 'comments-page' }, ['comment'], { navigable: false }),
    system('attachment', 'Attachment', { type: 'array', items: 'attachment' }, ['attachments']),
    custom(
      catalog.requestTypeField.id,
      catalog.requestTypeField.name,
      { type: 'sd-customerrequesttype', custom: REQUEST_TYPE },
      'Customer Request Type',
    ),
    ...selects,
    custom(
      catalog.justificationField.id,
      catalog.justificationField.name,
      { type: 'string', custom: TEXTAREA },
      `${catalog.justificationField.name}[Paragraph]`,
    ),
  ];
}
