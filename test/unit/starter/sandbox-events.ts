import fs from 'node:fs';
import path from 'node:path';
import { JIRA_FIELD_IDS } from '@leasehold/sandbox';
import { projectRoot } from '../../../src/paths';
import { parseRulesText } from '../../../src/policy/parse';
import type { Portal } from '../../../src/policy/schema';
import type { PortalFieldIds } from '../../../src/starter/request-mapping';

export { sandboxJiraEvents, type SandboxJiraEvents } from '@leasehold/sandbox';

/** The portal section of the example rules (what `leasehold start` applies). */
export function examplePortal(): Portal {
  const parsed = parseRulesText(fs.readFileSync(path.join(projectRoot, 'rules', 'example.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error(`example rules invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.rules.portal;
}

/** The sandbox site's custom field ids (what the starter resolves by name through GET /rest/api/3/field). */
export const sandboxFieldIds: PortalFieldIds = { ...JIRA_FIELD_IDS };
