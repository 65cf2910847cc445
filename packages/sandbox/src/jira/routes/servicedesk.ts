import { z } from 'zod';
import type { Router } from '../../http';
import { customerRequestJson } from '../customer-request-json';
import { JsmError } from '../errors';
import { parseRequestFieldValues } from '../issue-input';
import { requestTypeJson } from '../issue-json';
import { type JiraSite, renderContext } from '../site';

/** The JSM API: create and read customer requests, list request types. */

const createRequestBody = z.looseObject({
  serviceDeskId: z.union([z.string(), z.number()]),
  requestTypeId: z.union([z.string(), z.number()]),
  requestFieldValues: z.record(z.string(), z.unknown()),
  raiseOnBehalfOf: z.string().optional(),
  requestParticipants: z.array(z.string()).optional(),
  channel: z.string().optional(),
});

export function serviceDeskRoutes(router: Router, site: JiraSite): void {
  const { catalog } = site;
  const checkServiceDesk = (id: string): void => {
    if (id !== catalog.serviceDesk.id)
      throw new JsmError(
        404,
        `The service desk with id '${id}' does not exist, or you do not have permission to access it.`,
        'sd.servicedesk.error.not.found',
      );
  };

  router.post('/rest/servicedeskapi/request', (req) => {
    const actor = site.auth.actor(req);
    const parsed = createRequestBody.safeParse(req.json());
    if (!parsed.success) {
      throw new JsmError(
        400,
        `The request body is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        'sd.request.create.error.invalid.body',
      );
    }
    const body = parsed.data;
    checkServiceDesk(String(body.serviceDeskId));
    const requestType = catalog.requestTypes.find((rt) => rt.id === String(body.requestTypeId));
    if (!requestType)
      throw new JsmError(
        400,
        'The request type you are trying to use does not exist.',
        'sd.request.create.error.requesttype.not.found',
      );
    const reporter =
      body.raiseOnBehalfOf === undefined
        ? actor
        : (site.accounts.byAccountId(body.raiseOnBehalfOf) ??
          site.accounts.all().find((a) => a.email === body.raiseOnBehalfOf?.toLowerCase()));
    if (!reporter)
      throw new JsmError(
        400,
        `The user '${body.raiseOnBehalfOf}' does not exist.`,
        'sd.request.create.error.raiseonbehalfof.user.not.found',
      );
    const draft = parseRequestFieldValues(body.requestFieldValues, requestType, reporter.accountId, {
      catalog,
      accounts: site.accounts,
      actorId: actor.accountId,
      richText: 'wiki',
    });
    const issue = site.store.create(draft, actor.accountId);
    return { status: 201, body: customerRequestJson(issue, renderContext(site, 2, actor.accountId)) };
  });

  router.get('/rest/servicedeskapi/request/:issueIdOrKey', (req) => {
    const actor = site.auth.actor(req);
    const issue = site.store.find(req.params.issueIdOrKey!);
    if (!issue)
      throw new JsmError(
        404,
        'Request does not exist or you do not have permission to see it.',
        'sd.request.error.not.found',
      );
    return { status: 200, body: customerRequestJson(issue, renderContext(site, 2, actor.accountId)) };
  });

  router.get('/rest/servicedeskapi/servicedesk/:serviceDeskId/requesttype', (req) => {
    checkServiceDesk(req.params.serviceDeskId!);
    const ctx = renderContext(site, 2, site.auth.actor(req).accountId);
    const values = catalog.requestTypes.map((rt) => requestTypeJson(rt, ctx));
    const self = `${site.base()}/rest/servicedeskapi/servicedesk/${catalog.serviceDesk.id}/requesttype`;
    return {
      status: 200,
      body: {
        _expands: [],
        size: values.length,
        start: 0,
        limit: 50,
        isLastPage: true,
        _links: { base: site.base(), context: '', self },
        values,
      },
    };
  });
}
