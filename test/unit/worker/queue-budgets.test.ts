import { queueBudgets } from '../../../src/worker/directory-workers';

describe("a directory connection's budget, shared between its writes and its read-backs", () => {
  test('Okta counts a read-back in its users bucket, apart from /groups writes: each queue gets the whole budget', () => {
    expect(queueBudgets('okta', 600)).toEqual({ writes: 600, readBacks: 600 });
  });

  test.each(['entra', 'github', 'google', 'aws', 'atlassian'] as const)(
    '%s counts reads and writes against one limit: each queue gets half, so the two together stay within it',
    (type) => {
      const { writes, readBacks } = queueBudgets(type, 600);
      expect(writes + readBacks).toBe(600);
      expect(writes).toBe(readBacks);
    },
  );
});
