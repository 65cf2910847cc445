import { MockActivityEnvironment } from '@temporalio/testing';
import type { IdentityProvider } from '../../../src/connectors/identity-provider';
import { reclaimActivities } from '../../../src/activities/reclaim';
import type { ReclaimGroup } from '../../../src/workflows/reclaim/types';

const DAY = 86_400_000;

/** Who the daily sweep takes for inactive: a known sign-in older than the threshold, never a missing one. */
describe('the sweep’s reading of sign-ins', () => {
  const lastLogins: Record<string, Date | undefined> = {
    'u-old': new Date(Date.now() - 31 * DAY),
    'u-recent': new Date(Date.now() - 2 * DAY),
    'u-none': undefined,
  };
  const directory = {
    listMembers: async () => Object.keys(lastLogins).map((id) => ({ id, login: `${id}@example.com` })),
    lastActivity: async (id: string) => lastLogins[id],
  } as unknown as IdentityProvider;
  const activities = reclaimActivities({
    rules: {} as never,
    provider: () => directory,
    jira: () => {
      throw new Error('not used');
    },
  });
  const group = {
    connectionName: 'entra',
    groupId: 'g',
    groupName: 'SF-User',
    inactiveForMs: 30 * DAY,
  } as ReclaimGroup;

  test('only a sign-in older than the threshold is inactive; no sign-in time at all is left alone and counted', async () => {
    const read = (await new MockActivityEnvironment().run(activities.inactiveMembers, { group })) as Awaited<
      ReturnType<typeof activities.inactiveMembers>
    >;
    expect(read.inactive).toEqual([
      { userId: 'u-old', login: 'u-old@example.com', lastActivity: lastLogins['u-old']!.toISOString() },
    ]);
    expect(read.unknown).toBe(1);
  });
});
