import { attest, isAttested, type SlackDecisionClaim } from '../../src/connectors/slack/attestation';

const claim: SlackDecisionClaim = {
  userId: 'U0BOB0001',
  actionTs: '1701700000.123456',
  issueKey: 'ACCESS-7',
  decision: 'Approved',
  receivedAt: '2026-12-04T10:00:00.000Z',
};

describe("the starter's attestation of a Slack click", () => {
  test('holds for the claim it was made for, with the same secret', () => {
    expect(isAttested('secret', claim, attest('secret', claim))).toBe(true);
  });
  test('fails for another secret, any changed field, or garbage', () => {
    const mac = attest('secret', claim);
    expect(isAttested('other', claim, mac)).toBe(false);
    for (const change of [{ decision: 'Denied' as const }, { issueKey: 'ACCESS-8' }, { userId: 'U0ALICE01' }])
      expect(isAttested('secret', { ...claim, ...change }, mac)).toBe(false);
    expect(isAttested('secret', claim, 'zz')).toBe(false);
  });
});
