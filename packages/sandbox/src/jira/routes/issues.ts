import { z } from 'zod';
import type { Router, SandboxRequest } from '../../http';
import { adfDocSchema, type AdfDoc, adfToPlainText, NOT_AN_ADF_DOCUMENT, wikiToAdf } from '../adf';
import { fieldErrors, JiraError } from '../errors';
import { cannotBeSet, parseIssueFields } from '../issue-input';
import { changelogJson, commentJson, issueJson, parseFieldFilter, statusJson } from '../issue-json';
import { apiVersion, intParam, type JiraSite, renderContext } from '../site';
import type { NewComment } from '../store';

/** `/rest/api/{2,3}/issue/...`: create, read, transitions and comments. */

const createBody = z.looseObject({
  fields: z.record(z.string(), z.unknown()).optional(),
  update: z.record(z.string(), z.unknown()).optional(),
});

const commentProperties = z.array(z.looseObject({ key: z.string(), value: z.unknown() })).optional();

const commentBody = z.looseObject({ body: z.unknown(), properties: commentProperties });

const assignBody = z.looseObject({ accountId: z.string().nullable() });

const transitionBody = z.looseObject({
  transition: z.looseObject({ id: z.union([z.string(), z.number()]).optional() }).optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  update: z
    .record(z.string(), z.array(z.looseObject({ add: z.looseObject({ body: z.unknown() }).optional() })))
    .optional(),
});

function parseBody<T>(schema: z.ZodType<T>, req: SandboxRequest): T {
  const parsed = schema.safeParse(req.json());
  if (!parsed.success)
    throw new JiraError(400, [
      `The request body is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    ]);
  return parsed.data;
}

/** A comment body as the API version takes it: ADF in v3, a wiki string in v2; never empty. */
function commentDoc(raw: unknown, api: 2 | 3): AdfDoc {
  if (api === 2) {
    if (typeof raw !== 'string' || raw.trim().length === 0)
      throw fieldErrors({ comment: 'Comment body can not be empty!' });
    return wikiToAdf(raw);
  }
  const doc = adfDocSchema.safeParse(raw);
  if (!doc.success) throw fieldErrors({ comment: NOT_AN_ADF_DOCUMENT });
  if (adfToPlainText(doc.data).trim().length === 0) throw fieldErrors({ comment: 'Comment body can not be empty!' });
  return doc.data;
}

/** JSM comments are public unless the `sd.public.comment` property says `internal: true`. */
function isPublic(properties: z.infer<typeof commentProperties>): boolean {
  const flag = properties?.find((p) => p.key === 'sd.public.comment')?.value;
  return !(typeof flag === 'object' && flag !== null && 'internal' in flag && flag.internal === true);
}

export function issueRoutes(router: Router, site: JiraSite): void {
  const { store } = site;

  router.post('/rest/api/:v/issue', (req) => {
    const api = apiVersion(req);
    const actor = site.auth.actor(req);
    const body = parseBody(createBody, req);
    const updates = Object.keys(body.update ?? {});
    if (updates.length > 0) throw fieldErrors(Object.fromEntries(updates.map((id) => [id, cannotBeSet(id)])));
    const draft = parseIssueFields(body.fields ?? {}, {
      catalog: site.catalog,
      accounts: site.accounts,
      actorId: actor.accountId,
      richText: api === 3 ? 'adf' : 'wiki',
    });
    const issue = store.create(draft, actor.accountId);
    return {
      status: 201,
      body: { id: issue.id, key: issue.key, self: `${site.base()}/rest/api/${api}/issue/${issue.id}` },
    };
  });

  router.get('/rest/api/:v/issue/:issueIdOrKey', (req) => {
    const api = apiVersion(req);
    const ctx = renderContext(site, api, site.auth.actor(req).accountId);
    const issue = store.get(req.params.issueIdOrKey!);
    const expand = (req.url.searchParams.get('expand') ?? '').split(',').map((e) => e.trim());
    const filter = parseFieldFilter(req.url.searchParams.getAll('fields').join(','), site.fields);
    return {
      status: 200,
      body: issueJson(issue, ctx, { filter, descriptors: site.fields, expandNames: expand.includes('names') }),
    };
  });

  router.get('/rest/api/:v/issue/:issueIdOrKey/transitions', (req) => {
    const ctx = renderContext(site, apiVersion(req), site.auth.actor(req).accountId);
    const issue = store.get(req.params.issueIdOrKey!);
    const only = req.url.searchParams.get('transitionId');
    const transitions = store
      .transitionsOf(issue)
      .filter((t) => only === null || t.id === only)
      .map((t) => ({
        id: t.id,
        name: t.name,
        to: statusJson(t.toStatusId, ctx),
        hasScreen: false,
        isGlobal: true,
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        looped: false,
      }));
    return { status: 200, body: { expand: 'transitions', transitions } };
  });

  router.post('/rest/api/:v/issue/:issueIdOrKey/transitions', (req) => {
    const api = apiVersion(req);
    const actor = site.auth.actor(req);
    const issue = store.get(req.params.issueIdOrKey!);
    const body = parseBody(transitionBody, req);
    const id = body.transition?.id;
    if (id === undefined) throw new JiraError(400, ["Missing 'transition' identifier"]);
    const errors: Record<string, string> = {};
    for (const fieldId of Object.keys(body.fields ?? {})) errors[fieldId] = cannotBeSet(fieldId);
    for (const fieldId of Object.keys(body.update ?? {}))
      if (fieldId !== 'comment') errors[fieldId] = cannotBeSet(fieldId);
    if (Object.keys(errors).length > 0) throw fieldErrors(errors);
    const added = body.update?.comment?.find((op) => op.add)?.add;
    const comment: NewComment | undefined = added && { body: commentDoc(added.body, api), jsdPublic: true };
    store.transition(issue, String(id), actor.accountId, comment);
    return { status: 204 };
  });

  // Jira Cloud's assign: `{ accountId }` (null unassigns); 204. An unknown account is a 400 naming it.
  router.put('/rest/api/:v/issue/:issueIdOrKey/assignee', (req) => {
    const actor = site.auth.actor(req);
    const issue = store.get(req.params.issueIdOrKey!);
    const body = parseBody(assignBody, req);
    const account = body.accountId ? site.accounts.byAccountId(body.accountId) : undefined;
    if (body.accountId && !account)
      throw new JiraError(400, [], { assignee: `User '${body.accountId}' does not exist.` });
    const previous = issue.assigneeId ? site.accounts.byAccountId(issue.assigneeId) : undefined;
    const named = (a: typeof account) => (a ? { id: a.accountId, name: a.displayName } : null);
    store.assign(
      issue,
      named(account),
      issue.assigneeId ? (named(previous) ?? { id: issue.assigneeId, name: issue.assigneeId }) : null,
      actor.accountId,
    );
    return { status: 204 };
  });

  router.post('/rest/api/:v/issue/:issueIdOrKey/comment', (req) => {
    const api = apiVersion(req);
    const actor = site.auth.actor(req);
    const issue = store.get(req.params.issueIdOrKey!);
    const body = parseBody(commentBody, req);
    const comment = store.addComment(
      issue,
      { body: commentDoc(body.body, api), jsdPublic: isPublic(body.properties) },
      actor.accountId,
    );
    return { status: 201, body: commentJson(issue, comment, renderContext(site, api, actor.accountId)) };
  });

  router.get('/rest/api/:v/issue/:issueIdOrKey/comment', (req) => {
    const ctx = renderContext(site, apiVersion(req), site.auth.actor(req).accountId);
    const issue = store.get(req.params.issueIdOrKey!);
    const startAt = intParam(req, 'startAt', 0);
    const maxResults = intParam(req, 'maxResults', 5000);
    const newestFirst = req.url.searchParams.get('orderBy') === '-created';
    const ordered = newestFirst ? [...issue.comments].reverse() : issue.comments;
    const page = ordered.slice(startAt, startAt + maxResults).map((c) => commentJson(issue, c, ctx));
    return { status: 200, body: { startAt, maxResults, total: issue.comments.length, comments: page } };
  });

  // Jira Cloud's changelog: oldest first, at most 100 a page, `isLast` and `nextPage` for paging.
  router.get('/rest/api/:v/issue/:issueIdOrKey/changelog', (req) => {
    const ctx = renderContext(site, apiVersion(req), site.auth.actor(req).accountId);
    const issue = store.get(req.params.issueIdOrKey!);
    const startAt = intParam(req, 'startAt', 0);
    const maxResults = Math.min(100, Math.max(1, intParam(req, 'maxResults', 100)));
    const values = issue.history.slice(startAt, startAt + maxResults).map((entry) => changelogJson(entry, ctx));
    const total = issue.history.length;
    const isLast = startAt + values.length >= total;
    const page = (from: number): string =>
      `${site.base()}/rest/api/${ctx.api}/issue/${issue.key}/changelog?startAt=${from}&maxResults=${maxResults}`;
    return {
      status: 200,
      body: {
        self: page(startAt),
        ...(isLast ? {} : { nextPage: page(startAt + values.length) }),
        maxResults,
        startAt,
        total,
        isLast,
        values,
      },
    };
  });

  router.get('/rest/api/:v/issue/:issueIdOrKey/comment/:id', (req) => {
    const ctx = renderContext(site, apiVersion(req), site.auth.actor(req).accountId);
    const issue = store.get(req.params.issueIdOrKey!);
    const comment = issue.comments.find((c) => c.id === req.params.id);
    if (!comment) throw new JiraError(404, [`Can not find a comment for the id: ${req.params.id}.`]);
    return { status: 200, body: commentJson(issue, comment, ctx) };
  });
}
