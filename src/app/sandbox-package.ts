/**
 * The demo mode's sandboxes live in their own workspace package, @leasehold/sandbox, which the
 * production install leaves out (`npm ci --omit=dev --workspaces=false`, the image). Only the commands
 * that run them (`start`, `sandbox`, `demo`) load it, here, when they run: `leasehold worker`,
 * `leasehold webhook` and `--help` never do.
 *
 * This is what Leasehold uses of the package, declared here so that the product compiles without it;
 * test/unit/sandbox/package-contract.test.ts checks (at typecheck) that the package still provides it.
 */
export const SANDBOX_PACKAGE = '@leasehold/sandbox';

export interface SandboxPorts {
  jira?: number;
  okta?: number;
  entra?: number;
  github?: number;
  google?: number;
  aws?: number;
  slack?: number;
}

export interface RunningSandboxes {
  jira: {
    url: string;
    registerWebhook: (input: { name: string; url: string; events: string[]; secret?: string }) => unknown;
  };
  okta: { url: string };
  entra: { url: string };
  github: { url: string };
  google: { url: string };
  aws: { url: string };
  /** PEM file of the Entra sandbox's self-signed certificate. */
  entraCaFile: string;
  /** JIRA_SITE, OKTA_API_TOKEN, …: the variables the example rules read, pointing at these sandboxes. */
  env: Record<string, string>;
  /** Where their state is saved (when started with a `stateFile`). */
  stateFile?: string;
  /** Whether they started from a saved state. */
  restored: boolean;
  close: () => Promise<void>;
}

export interface SandboxPerson {
  handle: string;
  email: string;
  jiraApiToken: string;
}

export interface SandboxPackage {
  startSandboxes: (options: {
    stateDir: string;
    stateFile?: string;
    ports?: SandboxPorts;
  }) => Promise<RunningSandboxes>;
  samplePeople: readonly SandboxPerson[];
  samplePerson: (handle: string) => SandboxPerson;
  sandboxCredentials: {
    jira: { email: string; apiToken: string; webhookSecret: string };
    okta: { token: string };
    entra: { tenantId: string; clientId: string; clientSecret: string };
  };
}

/**
 * Loads the sandbox package for `command`. Absent (a production install), that is an error saying so
 * (which `main` prints as one line), not a stack trace; any other failure to load it is rethrown.
 */
export async function loadSandboxPackage(command: string): Promise<SandboxPackage> {
  try {
    return (await import(SANDBOX_PACKAGE)) as SandboxPackage;
  } catch (e) {
    if (!isNotFound(e, `'${SANDBOX_PACKAGE}'`)) throw e;
    throw new Error(
      `\`leasehold ${command}\` needs the sandbox package (${SANDBOX_PACKAGE}), which is not installed. It belongs to a ` +
        'development checkout (`npm ci` in the repository), not to the production install or image: there, run ' +
        '`leasehold worker` and `leasehold webhook` against real Jira, Okta and Entra ID.',
    );
  }
}

/**
 * The sandbox Jira's Duration options (for `leasehold demo request --help`), read from the package's
 * one dependency-free module without loading the rest of it; undefined without the package.
 */
export function sandboxDurationOptions(): readonly string[] | undefined {
  try {
    // A synchronous require: help text is built synchronously, and this module imports nothing.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const options = require(`${SANDBOX_PACKAGE}/dist/jira/field-options`) as { JIRA_DURATION_OPTIONS?: unknown };
    const values = options.JIRA_DURATION_OPTIONS;
    return Array.isArray(values) && values.every((v) => typeof v === 'string') ? values : undefined;
  } catch {
    return undefined;
  }
}

function isNotFound(e: unknown, what: string): boolean {
  return (
    e instanceof Error &&
    (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' &&
    e.message.split('\n')[0]!.includes(what)
  );
}
