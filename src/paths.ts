import path from 'node:path';

/** The repository (package) root, whether running from `src/` through ts or from compiled `dist/`. */
export const projectRoot = path.resolve(__dirname, '..');

/** Ignored per-checkout state: the embedded Temporal database, installed tools, generated certificates. */
export const stateDir = process.env.LEASEHOLD_STATE_DIR ?? path.join(projectRoot, '.leasehold');

/** The sandboxes' variables while `leasehold start` runs them, for the CLI in other shells. */
export const sandboxEnvFile = path.join(stateDir, 'sandbox.env');

/**
 * The sandboxes' state while `leasehold start` / `leasehold sandbox` runs them (Jira issues and their
 * numbering, the Okta and Entra directories), kept across restarts like the Temporal history.
 */
export const sandboxStateFile = path.join(stateDir, 'sandbox-state.json');
