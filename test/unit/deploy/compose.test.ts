import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { projectRoot } from '../../../src/paths';
import {
  commandOf,
  exampleEnv,
  imageNodeOptions,
  imagePreload,
  imagePreloadLibrary,
  imageStage,
  loadCompose,
  readComposeText,
  type ComposeService,
} from '../../harness/compose';

/**
 * No Docker engine here: the compose files are checked against the Compose Specification's own JSON
 * schema (vendored from compose-spec/compose-spec), and read against the code they deploy.
 */
const FILES = ['docker-compose.yml', 'docker-compose.cloud.yml'];
const cloudEnv = {
  TEMPORAL_ADDRESS: 'ns.a1b2c.tmprl.cloud:7233',
  TEMPORAL_NAMESPACE: 'ns.a1b2c',
  TEMPORAL_API_KEY: 'key',
};
const selfHosted = loadCompose('docker-compose.yml', exampleEnv());
const cloud = loadCompose('docker-compose.cloud.yml', exampleEnv(cloudEnv));
const LEASEHOLD_SERVICES = ['leasehold-worker', 'leasehold-webhook', 'leasehold-rules'];

describe('docker-compose.yml and docker-compose.cloud.yml', () => {
  // A draft-07 schema (its $schema URL is spelled https://…/draft-07/schema, which ajv does not need to fetch).
  const schema = JSON.parse(
    fs.readFileSync(path.join(projectRoot, 'test/fixtures/compose-spec/compose-spec.json'), 'utf8'),
  ) as object;
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false }).compile(
    schema,
  );

  test.each(FILES)('%s is valid under the Compose Specification', (file) => {
    const doc = loadCompose(file, exampleEnv(cloudEnv));
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the schema check catches a broken file (it is not vacuous)', () => {
    const broken = {
      services: {
        worker: {
          image: 'leasehold:latest',
          depends_on: { x: { condition: 'when-it-feels-like-it' } },
          restart_policy: 'always',
        },
      },
    };
    expect(validate(broken)).toBe(false);
  });

  test.each(FILES)('%s publishes nothing beyond loopback by default', (file) => {
    const doc = loadCompose(file, { ...exampleEnv(cloudEnv), LEASEHOLD_PUBLISH_ADDRESS: undefined });
    const ports = Object.values(doc.services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  test('the operator can opt in to publishing on all interfaces', () => {
    const open = loadCompose('docker-compose.yml', exampleEnv({ LEASEHOLD_PUBLISH_ADDRESS: '0.0.0.0' }));
    expect(open.services.temporal!.ports).toEqual(['0.0.0.0:7233:7233']);
  });
});

describe('docker-compose.yml: Temporal on PostgreSQL, on the supported images', () => {
  const s = selfHosted.services;

  test('server, admin-tools and UI are pinned; no auto-setup image, no tctl', () => {
    const tag = (name: string): string => s[name]!.image!.split(':')[1]!;
    expect(s.temporal!.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(s['temporal-schema']!.image).toBe(`temporalio/admin-tools:${tag('temporal')}`);
    expect(s['temporal-ui']!.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(readComposeText('docker-compose.yml')).not.toMatch(/auto-setup|tctl/);
    expect(s.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
  });

  test('the schema job sets up both databases with temporal-sql-tool before the server starts', () => {
    const script = commandOf(s['temporal-schema']!).join(' ');
    expect(script).toContain('temporal-sql-tool --plugin postgres12');
    for (const step of [
      'create',
      'setup-schema -v 0.0',
      'update-schema -d /etc/temporal/schema/postgresql/v12/$db/versioned',
    ])
      expect(script).toContain(step);
    expect(s.temporal!.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
  });

  test('the namespace and search attributes come from the Leasehold image: `leasehold temporal setup`', () => {
    const setup = s['temporal-setup']!;
    expect(setup.image).toBe('leasehold:latest');
    expect(commandOf(setup).slice(0, 2)).toEqual(['temporal', 'setup']);
    expect(commandOf(setup)).toEqual(['temporal', 'setup', '--retention', '365']);
    expect(setup.restart).toBe('no');
    for (const name of [...LEASEHOLD_SERVICES, 'temporal-ui']) {
      const deps = Object.keys(s[name]!.depends_on ?? {});
      expect(deps.some((d) => d === 'temporal-setup' || d === 'leasehold-worker')).toBe(true);
    }
  });

  test('the UI is read-only', () => {
    expect(s['temporal-ui']!.environment!.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
  });

  test('the worker has a health check, the webhook waits for it, one-shot jobs do not restart forever', () => {
    expect(s['leasehold-worker']!.healthcheck!.test.join(' ')).toContain('/healthz');
    expect(s['leasehold-worker']!.environment!.LEASEHOLD_WORKER_HEALTH_PORT).toBe('9090');
    expect(s['leasehold-webhook']!.healthcheck!.test.join(' ')).toContain('/readyz');
    for (const job of ['temporal-schema', 'temporal-setup', 'leasehold-rules']) expect(s[job]!.restart).toBe('no');
  });
});

describe('docker-compose.cloud.yml: only the Leasehold services', () => {
  test('no database, server or UI; a check job that changes nothing', () => {
    expect(Object.keys(cloud.services).sort()).toEqual([...LEASEHOLD_SERVICES, 'temporal-check'].sort());
    expect(commandOf(cloud.services['temporal-check']!)).toEqual([
      'temporal',
      'setup',
      '--verify',
      '--retention',
      '365',
    ]);
    expect(cloud.services['leasehold-worker']!.environment).toMatchObject(cloudEnv);
  });

  test('the Leasehold services are the same as in the self-hosted file (but for where Temporal is)', () => {
    const strip = (svc: ComposeService) => {
      const env = Object.fromEntries(Object.entries(svc.environment ?? {}).filter(([k]) => !k.startsWith('TEMPORAL_')));
      return {
        image: svc.image,
        command: svc.command,
        environment: env,
        ports: svc.ports,
        healthcheck: svc.healthcheck,
        restart: svc.restart,
      };
    };
    for (const name of LEASEHOLD_SERVICES)
      expect(strip(cloud.services[name]!)).toEqual(strip(selfHosted.services[name]!));
  });

  test('a missing Temporal Cloud address is an error naming it, not a silent default', () => {
    expect(() => loadCompose('docker-compose.cloud.yml', exampleEnv())).toThrow(/TEMPORAL_ADDRESS/);
  });
});

describe('the image', () => {
  test('Node 22 LTS or newer; secrets are never in the build context', () => {
    const dockerfile = fs.readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8');
    const majors = [...dockerfile.matchAll(/^FROM node:(\d+)/gm)].map((m) => Number(m[1]));
    expect(majors.length).toBeGreaterThan(0);
    for (const major of majors) expect(major).toBeGreaterThanOrEqual(22);
    const ignored = fs.readFileSync(path.join(projectRoot, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.env', '.env.*', '.leasehold']));
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/leasehold\.js"\]/);
  });

  test("its processes run with mimalloc preloaded, from Debian's package (the worker's RSS figure is measured so)", () => {
    expect(imagePreload()).toBe('/usr/local/lib/libmimalloc.so');
    expect(imagePreloadLibrary()).toBe('libmimalloc.so.2');
    const stage = imageStage();
    expect(stage).toMatch(/apt-get install -y --no-install-recommends libmimalloc2\.0/);
    // Installed before the variable is set (the loader would skip a missing preload with a warning).
    expect(stage.indexOf('libmimalloc2.0')).toBeLessThan(stage.indexOf('LD_PRELOAD='));
  });

  test('its processes run with a heap sized for the container, in every isolate (Node accepts the options from the environment)', () => {
    const options = imageNodeOptions();
    expect(options).toMatch(/--max-old-space-size=(\d+)/);
    expect(options).toMatch(/--max-semi-space-size=(\d+)/);
    const oldSpaceMiB = Number(/--max-old-space-size=(\d+)/.exec(options!)![1]);
    // Node refuses (exit 9) an option it does not allow in NODE_OPTIONS; the workflow threads are workers.
    const script = `
      const v8 = require('node:v8');
      const { Worker } = require('node:worker_threads');
      const limit = () => Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
      const worker = new Worker("require('node:worker_threads').parentPort.postMessage(Math.round(require('node:v8').getHeapStatistics().heap_size_limit / 2 ** 20))", { eval: true });
      worker.once('message', (inWorker) => { console.log(JSON.stringify({ main: limit(), worker: inWorker })); worker.terminate(); });`;
    const out = execFileSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, NODE_OPTIONS: options },
      encoding: 'utf8',
    });
    const limits = JSON.parse(out) as { main: number; worker: number };
    for (const limit of [limits.main, limits.worker]) {
      expect(limit).toBeGreaterThanOrEqual(oldSpaceMiB);
      expect(limit).toBeLessThan(oldSpaceMiB + 64); // the young generation on top
    }
  });

  test('every variable the example rules read is passed to the Leasehold services', () => {
    const rules = fs.readFileSync(path.join(projectRoot, 'rules', 'example.yaml'), 'utf8').replace(/#.*$/gm, '');
    const referenced = new Set(
      [...rules.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g), ...rules.matchAll(/env: ([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!),
    );
    expect(referenced.size).toBeGreaterThan(5);
    for (const doc of [selfHosted, cloud])
      for (const name of referenced)
        expect(Object.keys(doc.services['leasehold-worker']!.environment!)).toContain(name);
  });
});

describe('README', () => {
  test('its compose section names every service and the loopback ports', () => {
    const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Deployment: docker compose'),
      readme.indexOf('\n## ', readme.indexOf('## Deployment: docker compose') + 5),
    );
    expect(section.length).toBeGreaterThan(200);
    for (const name of [...Object.keys(selfHosted.services), 'temporal-check', 'docker-compose.cloud.yml'])
      expect(section).toContain(name);
    for (const port of Object.values(selfHosted.services).flatMap((svc) => svc.ports ?? []))
      expect(section).toContain(port);
  });
});
