import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/paths';

/** The example rules (`rules/example.yaml`) as text: light to import, for fast tests too. */
export const exampleRulesText = (): string => fs.readFileSync(path.join(projectRoot, 'rules', 'example.yaml'), 'utf8');
