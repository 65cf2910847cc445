import fs from 'node:fs';
import path from 'node:path';
import { sandboxPorts, wantsSandboxes, type Env } from '../config/env';
import { logger } from '../logging';
import { parseRulesText, problemLine } from '../policy/parse';
import { RulesStore } from '../temporal/rules-store';
import { projectRoot, sandboxEnvFile, sandboxStateFile, stateDir } from '../paths';
import type { RunningSandboxes, SandboxPackage } from './sandbox-package';
import { startSandboxesThread } from './sandbox-thread';
import type { RunningStarter } from '../starter/server';
import { temporalTarget } from '../temporal/connection';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { runStarter } from './starter-process';
import { serveWorkerHealth } from './worker-health';
import { runWorker, workerOptionsFrom, type RunningWorker } from './worker-process';

export interface Embedded {
  devServer?: DevServer;
  sandboxes?: RunningSandboxes;
  worker: RunningWorker;
  starter: RunningStarter;
  rulesVersion?: number;
  /** The Temporal address and namespace the worker uses (and a second shell should). */
  temporal: { address: string; namespace: string };
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Start from nothing: forget the saved sandbox state and (embedded server only) the Temporal database. */
  fresh?: boolean;
}

export const defaultRulesFile = path.join(projectRoot, 'rules', 'example.yaml');

/**
 * Everything on one machine: an embedded Temporal dev server with its UI (persisted under
 * .leasehold/), the sandboxes, the worker and the webhook starter, with the example rules applied.
 * With TEMPORAL_ADDRESS set it uses that cluster instead; with real Jira/Okta/Entra settings, no sandboxes.
 * `sandbox` is the loaded @leasehold/sandbox package (see ./sandbox-package). The sandboxes' state is
 * kept in .leasehold/sandbox-state.json, so that after a restart they agree with the Temporal history.
 */
export async function startEmbedded(
  env: Env,
  sandbox: SandboxPackage,
  options: EmbeddedOptions = {},
): Promise<Embedded> {
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const fn of stoppers.reverse())
      await fn().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
  };
  const dbFilename = env.LEASEHOLD_TEMPORAL_DB ?? path.join(stateDir, 'temporal.db');
  if (options.fresh) forgetState(env.TEMPORAL_ADDRESS ? [] : [dbFilename]);
  try {
    let devServer: DevServer | undefined;
    if (!env.TEMPORAL_ADDRESS) {
      fs.mkdirSync(stateDir, { recursive: true });
      devServer = await startDevServer({
        port: env.LEASEHOLD_TEMPORAL_PORT,
        uiPort: env.LEASEHOLD_TEMPORAL_UI_PORT,
        dbFilename,
        logFile: path.join(stateDir, 'temporal.log'),
        namespace: env.TEMPORAL_NAMESPACE,
      });
      stoppers.push(() => devServer!.stop());
    }
    const target = temporalTarget(env, devServer?.address);

    let sandboxes: RunningSandboxes | undefined;
    if (wantsSandboxes(env)) {
      sandboxes = await startSandboxesThread(sandbox, {
        stateDir,
        stateFile: sandboxStateFile,
        ports: sandboxPorts(env),
      });
      stoppers.push(() => sandboxes!.close());
      // The example rules read these; the worker and the starter run in this process, and the
      // CLI in another shell reads them from sandbox.env (demo credentials of loopback sandboxes only).
      Object.assign(process.env, sandboxes.env);
    }

    const worker = await runWorker(target, env.LEASEHOLD_TASK_QUEUE, workerOptionsFrom(env));
    stoppers.push(() => worker.stop());
    if (env.LEASEHOLD_WORKER_HEALTH_PORT !== undefined) {
      const health = await serveWorkerHealth(
        worker.worker,
        env.LEASEHOLD_WORKER_HEALTH_PORT,
        undefined,
        worker.metrics,
      );
      stoppers.push(() => health.close());
    }

    const rules = new RulesStore(worker.client, env.LEASEHOLD_TASK_QUEUE, 0);
    let rulesVersion = (await rules.current())?.version;
    if (rulesVersion === undefined) {
      const file = env.LEASEHOLD_RULES_FILE ?? defaultRulesFile;
      const parsed = parseRulesText(fs.readFileSync(file, 'utf8'));
      if (!parsed.ok)
        throw new Error(`${file} is not valid:\n${parsed.problems.map((p) => `  ${problemLine(file, p)}`).join('\n')}`);
      const result = await rules.submit({
        document: parsed.raw,
        submittedBy: 'leasehold start',
        comment: `initial rules from ${path.relative(projectRoot, file)}`,
      });
      rulesVersion = result.version;
    }

    const starter = await runStarter(target, env);
    stoppers.push(() => starter.close());
    if (sandboxes) {
      sandboxes.jira.registerWebhook({
        name: 'Leasehold',
        url: starter.webhookUrl,
        events: ['jira:issue_created', 'jira:issue_updated'],
        secret: sandbox.sandboxCredentials.jira.webhookSecret,
      });
      // The sandbox Slack delivers clicks to the starter, as a Slack app's interactivity request URL.
      const slackApi = sandboxes.env.SLACK_API_URL;
      if (slackApi)
        await fetch(`${slackApi.replace(/\/api\/?$/, '')}/__sandbox/interactivity`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url: `${starter.url}/slack/interactions` }),
        }).catch(() => undefined);
    }
    const temporal = { address: target.address, namespace: target.namespace };
    writeSecondShellEnv({
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      LEASEHOLD_TASK_QUEUE: env.LEASEHOLD_TASK_QUEUE,
      ...sandboxes?.env,
    });
    stoppers.push(async () => fs.rmSync(sandboxEnvFile, { force: true }));
    return { devServer, sandboxes, worker, starter, rulesVersion, temporal, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * .leasehold/sandbox.env: what a CLI in another shell needs while this runs (the Temporal address, the
 * sandboxes' URLs, demo credentials and webhook secret); src/cli/context.ts loads it. Written once all
 * is up, removed at stop.
 */
function writeSecondShellEnv(vars: Record<string, string>): void {
  fs.mkdirSync(path.dirname(sandboxEnvFile), { recursive: true });
  const lines = Object.entries(vars).map(([k, v]) => `${k}=${v}`);
  fs.writeFileSync(sandboxEnvFile, `# written by leasehold start; removed when it stops\n${lines.join('\n')}\n`);
}

/** `--fresh`: the saved sandbox state and the embedded Temporal database go (with SQLite's side files). */
function forgetState(temporalDbs: string[]): void {
  const files = [sandboxStateFile, ...temporalDbs.flatMap((db) => [db, `${db}-wal`, `${db}-shm`, `${db}-journal`])];
  for (const file of files) fs.rmSync(file, { force: true });
  logger.info({ files: files.filter((f) => !f.endsWith('-shm')) }, 'starting fresh: saved state removed');
}
