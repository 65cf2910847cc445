import fs from 'node:fs';
import { Leasehold } from '../harness/leasehold';
import { exampleRules } from '../fixtures/rules';
import { POLICY_WORKFLOW_ID } from '../../src/workflows/ids';

test('probe', async () => {
  const lh = await Leasehold.start({ starter: false });
  const log: string[] = [];
  try {
    const big = (n: number) => {
      const d = exampleRules();
      for (let i = 0; i < 600; i++) d.applications.push({ name: `App ${i}`, owner: 'carol@example.com', levels: [{ name: 'User', connection: 'okta', groups: ['aws-prod-readonly'], risk: 'medium', approval: { approvers: ['manager'] }, duration: { default: `${n} days`, max: '90 days' } }] });
      return d;
    };
    log.push(`size ${JSON.stringify(big(1)).length}`);
    const t0 = Date.now();
    for (let n = 1; n <= 20; n++) {
      const r = await lh.rules.submit({ document: big(n), submittedBy: `admin-${n}` });
      const d = await lh.client.workflow.getHandle(POLICY_WORKFLOW_ID).describe();
      log.push(`${n} v${r.version} ${r.status} run=${d.runId.slice(0, 8)} len=${d.historyLength} size=${d.historySize} t=${Date.now() - t0}`);
    }
    const h = await lh.rules.history();
    log.push(`history ${h.length} current ${(await lh.rules.current())?.version}`);
  } finally {
    fs.writeFileSync('/tmp/lhscratch/can.txt', log.join('\n'));
    await lh.stop();
  }
});
