/**
 * Writes the JSON Schema of the rules document (`leasehold rules schema`) to
 * rules/leasehold-rules.schema.json, the file `rules/example.yaml`'s `$schema` line points editors at
 * (`npm run rules:schema`; a unit test fails while the committed file differs from what the zod schema gives).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { rulesJsonSchema } from '../src/cli/rules-schema';

const rulesSchemaPath = path.join(__dirname, '..', 'rules', 'leasehold-rules.schema.json');

fs.writeFileSync(rulesSchemaPath, `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`);
// As the rest of the repository: Prettier-formatted (format:check reads JSON too).
execFileSync(path.join(__dirname, '..', 'node_modules', '.bin', 'prettier'), ['--write', rulesSchemaPath], {
  stdio: 'inherit',
});
