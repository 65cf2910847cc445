import { z } from 'zod';
import { rulesDocumentSchema } from '../policy/schema';

/** The JSON Schema of the rules document (for editors): `leasehold rules schema`, rules/rules.schema.json. */
export const rulesJsonSchema = (): unknown =>
  z.toJSONSchema(rulesDocumentSchema, { io: 'input', unrepresentable: 'any' });
