import { extendUpdate } from '../../src/workflows/access-request/messages';
import { DAY, between, people, requestSuite } from '../harness/requests';

/**
 * The level's maximum (example rules, Confluence / User: at most 90 days, auto-approved) caps every
 * duration, counted from the grant: the requested one, a change request's, an operator's extension.
 */
describe('duration capped at the level maximum', () => {
  const suite = requestSuite('duration-cap');
  const confluenceUsers = () => suite.world.directory.group('confluence-users');
  const confluence = (duration: string, requester = people.alice) =>
    suite.start({ application: 'Confluence', accessType: 'User', duration, requester });

  test('a request for 120 days is granted 90, says so in Jira, and ends at 90 days', async () => {
    const r = await confluence('120 days');
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    expect(active.durationCapped).toBe(true);
    expect(between(active.grantedAt!, active.expiresAt!)).toBe(90 * DAY);
    expect(suite.world.jira.commentsStarting('Access granted')[0]!.text).toContain(
      `Access ends ${active.expiresAt} (capped at the maximum 90 days).`,
    );

    await suite.env.sleep('89 days');
    expect(confluenceUsers().members.has(people.alice.directoryUserId)).toBe(true);
    await suite.env.sleep('2 days');
    const evidence = await r.evidence();
    expect(evidence).toMatchObject({
      outcome: 'Expired',
      request: { requestedDuration: '120 days' },
      expiresAt: active.expiresAt,
    });
    expect(between(evidence.expiresAt!, evidence.groupChanges.at(-1)!.at)).toBeLessThan(5_000);
    expect(confluenceUsers().members.has(people.alice.directoryUserId)).toBe(false);
  });

  // The evidence record has the requested duration and the granted span, but no statement that the
  // request was capped (only the state query's `durationCapped` and the Jira comment say it).
  test.failing('GAP: the evidence record itself says the requested duration was capped', async () => {
    const r = await confluence('120 days', people.erin);
    await r.until((s) => s.state === 'Active', 'the grant');
    await suite.env.sleep('91 days');
    expect(await r.evidence()).toMatchObject({ durationCapped: true });
  });

  test('an operator extension to 120 days is capped at 90 days from the grant, recorded as a capped override', async () => {
    const r = await confluence('30 days', people.frank);
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    expect(active.durationCapped).toBe(false);

    await suite.env.sleep('20 days');
    const extended = await r.handle.executeUpdate(extendUpdate, {
      args: [{ operator: 'dave', reason: 'project overran', duration: '120 days' }],
    });
    expect(between(active.grantedAt!, extended.expiresAt!)).toBe(90 * DAY); // from the grant, not from now
    expect(extended.extensions).toEqual([
      expect.objectContaining({
        from: active.expiresAt,
        to: extended.expiresAt,
        capped: true,
        by: 'operator dave: project overran',
      }),
    ]);
    expect((await suite.comment('OVERRIDE: access extended by operator dave: project overran')).text).toContain(
      `it now ends ${extended.expiresAt} (capped at the maximum 90 days from the grant)`,
    );

    await suite.env.sleep('11 days'); // past the old end
    expect((await r.state()).state).toBe('Active');
    expect(confluenceUsers().members.has(people.frank.directoryUserId)).toBe(true);
    await suite.env.sleep('60 days');
    const evidence = await r.evidence();
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.overrides).toEqual([
      expect.objectContaining({
        action: 'extend',
        operator: 'dave',
        detail: `access extended to ${extended.expiresAt} (capped at the maximum)`,
      }),
    ]);
    expect(between(extended.expiresAt!, evidence.groupChanges.at(-1)!.at)).toBeLessThan(5_000);
  });

  test('a change request for 120 days (auto-approved at low risk) is capped at 90 days from the grant', async () => {
    const r = await confluence('10 days');
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    await suite.env.sleep('5 days');
    await r.requestChange('ACCESS-CHANGE-1', '120 days');
    const changed = await r.until((s) => s.extensions.length === 1, 'the extension');
    expect(between(active.grantedAt!, changed.expiresAt!)).toBe(90 * DAY);
    expect(changed.extensions[0]).toMatchObject({
      issueKey: 'ACCESS-CHANGE-1',
      capped: true,
      by: 'auto-approved (low risk)',
      from: active.expiresAt,
    });
    expect(changed.relatedIssues).toEqual(['ACCESS-CHANGE-1']);
    await suite.env.sleep('86 days');
    const evidence = await r.evidence();
    expect(evidence).toMatchObject({
      outcome: 'Expired',
      relatedIssues: ['ACCESS-CHANGE-1'],
      extensions: [expect.objectContaining({ capped: true })],
    });
    expect(between(changed.expiresAt!, evidence.groupChanges.at(-1)!.at)).toBeLessThan(5_000);
  });
});
