import { activitiesPerSecond } from '../../../src/worker/directory-workers';
import type { Connection } from '../../../src/policy/schema';

/** A connection of that type with the given budget (the other settings do not matter to pacing). */
const connection = (type: Exclude<Connection['type'], 'jira'>, perMinute?: number): Connection =>
  ({ type, ...(perMinute === undefined ? {} : { requestsPerMinute: perMinute }) }) as Connection;

const changesPerMinute = (c: Connection): number => activitiesPerSecond(c)! * 60;

describe("a connection's queue runs membership changes within its request budget", () => {
  test('a change (write and read-back) is two requests against the budget', () => {
    expect(changesPerMinute(connection('entra', 600))).toBe(300);
    expect(changesPerMinute(connection('google', 2_400))).toBe(1_200);
    expect(changesPerMinute(connection('aws'))).toBe(600);
    // GitHub's default: 150 requests a minute, 75 changes (a write is 5 secondary-limit points, a read 1).
    expect(changesPerMinute(connection('github'))).toBe(75);
  });

  test("Okta's read-back counts against its users limit, so the groups budget is all writes", () => {
    expect(changesPerMinute(connection('okta', 600))).toBe(600);
    expect(changesPerMinute(connection('okta'))).toBe(600);
  });
});
