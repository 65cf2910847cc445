import type { JiraGateway } from '../connectors/jira/jira-gateway';
import type { Portal } from '../policy/schema';
import type { PortalFieldIds } from './request-mapping';

const CACHE_MS = 10 * 60_000;
/** JSM's request type field is named "Request Type" on every site (id varies; customfield_10010 is common). */
const REQUEST_TYPE_FIELD = 'Request Type';

/** Finds the portal's custom field ids by name through `GET /rest/api/3/field` (cached; ids given directly pass through). */
export class FieldResolver {
  private cache = new Map<string, { at: number; byName: Map<string, string> }>();

  async resolve(jira: JiraGateway, portal: Portal): Promise<PortalFieldIds> {
    const byName = await this.fieldsOf(jira);
    const id = (nameOrId: string): string => {
      if (/^customfield_\d+$/.test(nameOrId)) return nameOrId;
      const found = byName.get(nameOrId.toLowerCase());
      if (!found) throw new Error(`Jira has no field named "${nameOrId}" (portal.fields in the rules)`);
      return found;
    };
    return {
      requestType: id(REQUEST_TYPE_FIELD),
      application: id(portal.fields.application),
      accessType: id(portal.fields.accessType),
      duration: id(portal.fields.duration),
      justification: id(portal.fields.justification),
    };
  }

  private async fieldsOf(jira: JiraGateway): Promise<Map<string, string>> {
    const hit = this.cache.get(jira.site);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.byName;
    const byName = new Map((await jira.fields()).map((f) => [f.name.toLowerCase(), f.id] as const));
    this.cache.set(jira.site, { at: Date.now(), byName });
    return byName;
  }
}
