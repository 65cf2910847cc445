import type { Connection, RulesDocument } from '../policy/schema';
import { ConnectorError } from './connector-error';
import type { IdentityProvider } from './identity-provider';
import type { JiraGateway } from './jira/jira-gateway';

export interface CheckLine {
  ok: boolean;
  text: string;
}

export interface ConnectionReport {
  name: string;
  /** Undefined when the rules define no connection of that name. */
  type?: Connection['type'];
  ok: boolean;
  lines: CheckLine[];
}

/** Ids that exist in no directory: a write probe against them cannot change anything. */
const ABSENT_USER: Record<string, string> = {
  okta: '00uleaseholdprobe0000',
  entra: '00000000-0000-4000-8000-00000000dead',
  atlassian: '557058:00000000-0000-4000-8000-00000000dead',
  // Not a valid GitHub login (a leading hyphen), so no account can have it.
  github: '-leasehold-probe-',
  // An address in a reserved domain: no Workspace account has it.
  google: 'leasehold-connection-probe@invalid.example',
};

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A refused login says so first, whichever service refused it (Okta and Entra already do). */
const authReason = (err: unknown): string => {
  const text = reason(err);
  const refused = err instanceof ConnectorError && err.details.status === 401;
  return refused && !text.startsWith('bad credentials') ? `bad credentials: ${text}` : text;
};

/**
 * The "Test Connection" button: real calls through the same connectors the worker uses, saying
 * exactly what is wrong (bad credentials, missing permission, unreachable host, unknown group).
 */
export async function checkConnection(
  name: string,
  rules: RulesDocument,
  deps: {
    provider: (name: string, c: Connection) => IdentityProvider;
    jira: (c: Extract<Connection, { type: 'jira' }>) => JiraGateway;
  },
): Promise<ConnectionReport> {
  const connection = rules.connections[name];
  if (!connection) {
    const known = Object.keys(rules.connections).join(', ');
    return {
      name,
      ok: false,
      lines: [{ ok: false, text: `no connection named ${name} in the rules (known: ${known})` }],
    };
  }
  const lines: CheckLine[] = [];
  const report = (): ConnectionReport => ({ name, type: connection.type, ok: lines.every((l) => l.ok), lines });

  if (connection.type === 'jira') {
    let jira: JiraGateway;
    try {
      jira = deps.jira(connection);
      const me = await jira.myself();
      lines.push({
        ok: true,
        text: `authenticated as ${me.displayName ?? me.accountId} (${me.email ?? 'email hidden'})`,
      });
    } catch (err) {
      lines.push({ ok: false, text: authReason(err) });
      return report();
    }
    if (rules.portal.connection === name) {
      try {
        const fields = new Set((await jira.fields()).flatMap((f) => [f.name.toLowerCase(), f.id]));
        const wanted = ['Request Type', ...Object.values(rules.portal.fields)];
        const missing = wanted.filter((f) => !fields.has(f.toLowerCase()) && !fields.has(f));
        lines.push(
          missing.length
            ? { ok: false, text: `fields not found: ${missing.join(', ')}` }
            : { ok: true, text: `fields found: ${wanted.join(', ')}` },
        );
      } catch (err) {
        lines.push({ ok: false, text: reason(err) });
      }
    }
    return report();
  }

  let idp: IdentityProvider;
  try {
    idp = deps.provider(name, connection);
    if (idp.probe) {
      lines.push({ ok: true, text: await idp.probe() });
    } else {
      await idp.findUser('leasehold-connection-check@invalid.example');
      lines.push({ ok: true, text: 'authenticated; directory reads work' });
    }
  } catch (err) {
    lines.push({ ok: false, text: authReason(err) });
    return report();
  }

  const groups = new Set<string>();
  for (const app of rules.applications) {
    for (const level of app.levels) {
      if (level.connection === name) level.groups.forEach((g) => groups.add(g));
      for (const a of level.approval.approvers)
        if (typeof a === 'object' && 'group' in a && a.connection === name) groups.add(a.group);
    }
  }
  let probeGroup: string | undefined;
  for (const group of groups) {
    try {
      const found = await idp.findGroup(group);
      if (found) probeGroup ??= found.id;
      lines.push(
        found
          ? { ok: true, text: `group ${group} exists (${found.id})` }
          : { ok: false, text: `unknown group: ${group} does not exist in ${name}` },
      );
    } catch (err) {
      lines.push({ ok: false, text: `group ${group}: ${reason(err)}` });
    }
  }

  await checkSignIns(name, rules, idp, lines);

  if (probeGroup) {
    // Removing a user that does not exist changes nothing, but needs the write permission to be judged.
    try {
      if (idp.probeWrite) {
        lines.push({ ok: true, text: await idp.probeWrite(probeGroup) });
      } else {
        await idp.removeMember(probeGroup, ABSENT_USER[connection.type]!);
        lines.push({ ok: true, text: 'membership write permission: ok' });
      }
    } catch (err) {
      const permanent = err instanceof ConnectorError && err.kind === 'permanent';
      const missingPermission = /permission|forbidden|privilege/i.test(reason(err));
      if (permanent && !missingPermission) lines.push({ ok: true, text: 'membership write permission: ok' });
      else lines.push({ ok: false, text: `membership write: ${reason(err)}` });
    }
  }
  return report();
}

/**
 * Reclaim reads last sign-ins: where a level of this connection reclaims, read one member's (Graph needs
 * AuditLog.Read.All, and says so with a 403 the connector names).
 */
async function checkSignIns(
  name: string,
  rules: RulesDocument,
  idp: IdentityProvider,
  lines: CheckLine[],
): Promise<void> {
  const reclaimed = rules.applications
    .flatMap((a) => a.levels)
    .filter((l) => l.connection === name && l.reclaim)
    .flatMap((l) => l.groups.filter((g) => !l.reclaim!.exclude.includes(g)));
  if (reclaimed.length === 0) return;
  try {
    for (const groupName of reclaimed) {
      const group = await idp.findGroup(groupName);
      const someone = group && (await idp.listMembers(group.id))[0];
      if (!someone) continue;
      const last = await idp.lastActivity(someone.id);
      lines.push({
        ok: true,
        text: `sign-in times readable for reclaim (${someone.login}: ${last ? last.toISOString() : 'none recorded'})`,
      });
      return;
    }
    lines.push({ ok: true, text: 'sign-in times: not checked (the reclaimed groups have no members)' });
  } catch (err) {
    lines.push({ ok: false, text: `sign-in times (for reclaim): ${reason(err)}` });
  }
}
