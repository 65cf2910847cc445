import { samplePeople, type SamplePerson } from '../sample-data';
import type { OktaUserRecord } from './records';

/** The sample people as users of the sandbox Okta org (see directory.ts). */

const SAMPLE_EPOCH = Date.parse('2024-03-04T09:00:00.000Z');
const DAY = 86_400_000;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The user of a sample person: created a day after the previous one, active, with title and department. */
export function sampleUser(
  p: SamplePerson & { oktaId: string },
  index: number,
  people: readonly SamplePerson[],
): OktaUserRecord {
  const created = SAMPLE_EPOCH + index * DAY;
  const manager = p.managerHandle === undefined ? undefined : people.find((m) => m.handle === p.managerHandle);
  return {
    id: p.oktaId,
    status: 'ACTIVE',
    created: iso(created),
    activated: iso(created + 1_000),
    statusChanged: iso(created + 1_000),
    lastLogin: p.lastLogin ?? null,
    lastUpdated: iso(created + 30 * DAY),
    passwordChanged: iso(created + 3_600_000),
    profile: {
      login: p.email,
      email: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      displayName: `${p.firstName} ${p.lastName}`,
      title: p.title,
      department: p.department,
      ...(manager?.oktaId ? { managerId: manager.oktaId, manager: manager.email } : {}),
    },
  };
}

/** A sample person saved before profiles had a department gets theirs (the sample data's). */
export function withSampleDepartment(user: OktaUserRecord): OktaUserRecord {
  if (user.profile.department !== undefined) return user;
  const department = samplePeople.find((p) => p.oktaId === user.id)?.department;
  return department === undefined ? user : { ...user, profile: { ...user.profile, department } };
}
