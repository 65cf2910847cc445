import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../../src/paths';
import { searchAttributeCliArgs } from '../../../src/workflows/search-attributes';

/** No Docker engine here: the compose file is checked by reading it against the code it deploys. */
describe('docker-compose.yml', () => {
  interface Service {
    image?: string;
    build?: unknown;
    command?: string | string[];
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }> | string[];
    ports?: string[];
  }
  const compose = parse(fs.readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const services = compose.services;
  const commandText = (s: Service): string => (Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? ''));

  test('runs Temporal on PostgreSQL, its UI, an admin job, and the Leasehold worker and webhook starter', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['leasehold-rules', 'leasehold-webhook', 'leasehold-worker', 'postgresql', 'temporal', 'temporal-admin-tools', 'temporal-ui'].sort(),
    );
    expect(services.temporal!.environment!.DB).toMatch(/^postgres/);
    expect(services.temporal!.environment!.POSTGRES_SEEDS).toBe('postgresql');
    expect(services['temporal-ui']!.environment!.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  test('the admin job creates the namespace with a configurable retention and registers every search attribute the code uses', () => {
    const admin = commandText(services['temporal-admin-tools']!);
    expect(admin).toContain('temporal operator namespace create');
    expect(admin).toContain('--retention');
    expect(services['temporal-admin-tools']!.environment!.RETENTION).toMatch(/^\$\{LEASEHOLD_RETENTION:-\d+d\}$/);
    for (const pair of searchAttributeCliArgs()) expect(admin).toContain(pair);
  });

  test('the worker and the webhook starter are the Dockerfile image, run its commands, and wait for the namespace', () => {
    const worker = services['leasehold-worker']!;
    const webhook = services['leasehold-webhook']!;
    expect(worker.build).toBe('.');
    expect(commandText(worker)).toBe('worker');
    expect(commandText(webhook)).toBe('webhook');
    expect(webhook.image).toBe(worker.image);
    expect(webhook.ports).toContain('8080:8080');
    expect(worker.depends_on).toEqual({ 'temporal-admin-tools': { condition: 'service_completed_successfully' } });
    for (const s of [worker, webhook]) {
      expect(s.environment!.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(s.environment!.LEASEHOLD_SANDBOXES).toBe('off');
    }
    const dockerfile = fs.readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/leasehold\.js"\]/);
    expect(fs.readFileSync(path.join(projectRoot, 'bin', 'leasehold.js'), 'utf8')).toContain('dist/cli/main.js');
  });

  test('every variable the example rules read is passed to the Leasehold services', () => {
    const rules = fs.readFileSync(path.join(projectRoot, 'rules', 'example.yaml'), 'utf8').replace(/#.*$/gm, '');
    const referenced = new Set([...rules.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g), ...rules.matchAll(/env: ([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
    expect(referenced.size).toBeGreaterThan(5);
    for (const name of referenced) expect(Object.keys(services['leasehold-worker']!.environment!)).toContain(name);
  });
});
