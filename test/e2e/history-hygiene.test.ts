import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Leasehold } from '../harness/leasehold';
import { runScenarios, WORKFLOW_TYPES } from '../replay/scenarios';
import { OKTA_READONLY_TOKEN, samplePeople, sandboxCredentials } from '@leasehold/sandbox';

/** Workflow histories are audit evidence shared with operators: no credential may ever be in one. */
describe('no secret in any workflow history', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  test('after requests on Okta and Entra, approvals, revocation and a rules submission, no history holds a token or secret', async () => {
    await runScenarios(lh);
    const secrets = [
      sandboxCredentials.jira.apiToken,
      sandboxCredentials.jira.webhookSecret,
      sandboxCredentials.okta.token,
      OKTA_READONLY_TOKEN,
      sandboxCredentials.entra.clientSecret,
      ...samplePeople.map((p) => p.jiraApiToken),
      // Encodings a leak could take: the Basic auth header and base64 of each secret.
      Buffer.from(`${sandboxCredentials.jira.email}:${sandboxCredentials.jira.apiToken}`).toString('base64'),
      Buffer.from(sandboxCredentials.okta.token).toString('base64'),
      Buffer.from(sandboxCredentials.entra.clientSecret).toString('base64'),
    ];

    let scanned = 0;
    const types = new Set<string>();
    for await (const wf of lh.client.workflow.list()) {
      const json = historyToJSON(await lh.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory());
      // Payloads are base64 in the JSON form: scan the decoded payload data too.
      const decoded = [...json.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)]
        .map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'))
        .join('\n');
      for (const secret of secrets) {
        expect({
          workflow: wf.workflowId,
          leaked: json.includes(secret) || decoded.includes(secret) ? secret : undefined,
        }).toEqual({ workflow: wf.workflowId, leaked: undefined });
      }
      // The scan sees real content: connection settings and people are in there.
      expect(decoded.length).toBeGreaterThan(0);
      scanned++;
      types.add(wf.type);
    }
    expect([...types].sort()).toEqual(WORKFLOW_TYPES);
    expect(scanned).toBeGreaterThanOrEqual(7);
  });
});
