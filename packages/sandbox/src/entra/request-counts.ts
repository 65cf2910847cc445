/** The sandbox's Entra / Graph operations, as counted per request. */
export const entraRouteNames = [
  'openidConfiguration',
  'token',
  'getUser',
  'listUsers',
  'getManager',
  'listMemberOf',
  'checkMemberGroups',
  'listGroups',
  'getGroup',
  'listMembers',
  'addMember',
  'removeMember',
] as const;

export type EntraRouteName = (typeof entraRouteNames)[number];

/** Graph operations that change the directory. */
export const entraWriteRoutes = ['addMember', 'removeMember'] as const satisfies readonly EntraRouteName[];

/**
 * How many requests reached each operation's handler (whatever they answered). Requests answered by
 * an injected fault or rejected for a missing/invalid token never reach a handler.
 */
export class RequestCounts {
  private counts = new Map<EntraRouteName, number>();

  increment(route: EntraRouteName): void {
    this.counts.set(route, this.get(route) + 1);
  }

  get(route: EntraRouteName): number {
    return this.counts.get(route) ?? 0;
  }

  all(): Record<EntraRouteName, number> {
    return Object.fromEntries(entraRouteNames.map((r) => [r, this.get(r)])) as Record<EntraRouteName, number>;
  }

  reset(): void {
    this.counts = new Map();
  }
}
