import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { LeaseholdActivities, RelatedRequestFacts } from '../../src/activities/contract';
import { leaseActivities } from '../../src/activities/leases';
import { rulesActivities } from '../../src/activities/rules';
import type { Decision } from '../../src/policy/schema';
import { parseRulesText } from '../../src/policy/parse';
import type { RulesStore } from '../../src/temporal/rules-store';
import { changeRequestedSignal, stateQuery, statusChangedSignal } from '../../src/workflows/access-request/messages';
import type {
  AccessRequestInput,
  EvidenceRecord,
  RequestSnapshot,
  StatusChange,
} from '../../src/workflows/access-request/types';
import type { accessRequestWorkflow } from '../../src/workflows/access-request/workflow';
import { searchAttributes } from '../../src/workflows/search-attributes';
import { directoryCallsTo, FakeDirectory, FakeJira, outage } from './fakes';
import { exampleRulesText } from './example-rules';
import { answeredQuery, mockedTemporal, pollUntil } from './time-skipping';

/**
 * Access requests on the time-skipping server, driven only through the workflow's public surface
 * (start by type, signals and updates from messages.ts, the `state` query, the evidence result), with
 * the activity contract mocked: the rules and lease activities are the real ones, the directory, Jira
 * and its changelog are in memory.
 */

export interface Person {
  accountId: string;
  email: string;
  directoryUserId: string;
}

/** Everyone in the tests' Jira and directory. Every requester's manager is bob. */
export const people = {
  alice: { accountId: '5b10a2844c20165700ede21a', email: 'alice@example.com', directoryUserId: 'u-alice' },
  bob: { accountId: '5b10a2844c20165700ede21b', email: 'bob@example.com', directoryUserId: 'u-bob' },
  /** Owner of Jira Software, Confluence, Salesforce and Finance Reports in the example rules. */
  carol: { accountId: '5b10a2844c20165700ede21c', email: 'carol@example.com', directoryUserId: 'u-carol' },
  /** Owner of GitHub and AWS Production in the example rules. */
  dave: { accountId: '5b10a2844c20165700ede21d', email: 'dave@example.com', directoryUserId: 'u-dave' },
  erin: { accountId: '5b10a2844c20165700ede21e', email: 'erin@example.com', directoryUserId: 'u-erin' },
  frank: { accountId: '5b10a2844c20165700ede21f', email: 'frank@example.com', directoryUserId: 'u-frank' },
} satisfies Record<string, Person>;

const personOf = (accountId: string): Person | undefined =>
  Object.values(people).find((p) => p.accountId === accountId);

/** What a test's requests run against; a fresh one per test. */
export class RequestWorld {
  readonly directory = new FakeDirectory();
  readonly jira = new FakeJira();
  /** Removal and change requests as Jira has them, by issue key. */
  readonly related = new Map<string, RelatedRequestFacts>();
  /** Directory lookups of the requester fail transiently. */
  peopleDown = false;
}

/**
 * The contract's activities over the world `world()` answers at call time, with the rules of
 * `rulesText` (default: the example rules). Jira's changelog has a decision when its claimed
 * changelog id starts with "real-" and no earlier decision counted it.
 */
export function requestActivities(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  world: () => RequestWorld,
  rulesText = exampleRulesText(),
): Partial<LeaseholdActivities> {
  const parsed = parseRulesText(rulesText);
  if (!parsed.ok) throw new Error(`test rules invalid: ${JSON.stringify(parsed.problems)}`);
  const rules = { current: async () => ({ version: 1, rules: parsed.rules }) } as unknown as RulesStore;
  const noConnector = (): never => {
    throw new Error('no connector in this test');
  };
  const real = {
    ...rulesActivities({ rules, provider: noConnector, jira: noConnector }),
    ...leaseActivities({ client: () => env.client, taskQueue }),
  };
  const jira = () => world().jira.activities();
  return {
    loadPolicy: real.loadPolicy,
    sendLeaseOperation: real.sendLeaseOperation,
    holderStatus: real.holderStatus,
    resolveRequester: async ({ accountId }) => {
      if (world().peopleDown) throw outage('Okta get user');
      const person = personOf(accountId);
      if (!person) throw new Error(`test person ${accountId} unknown`);
      return { requester: person, manager: { email: people.bob.email, directoryUserId: people.bob.directoryUserId } };
    },
    resolveGroups: async ({ groups }) => groups.map((name) => ({ id: FakeDirectory.groupId(name), name })),
    // Each call goes to the current world's directory (a test may start a new world).
    ...directoryCallsTo((i) => world().directory.byId(i.groupId)),
    commentOnIssue: (i) => jira().commentOnIssue(i),
    transitionIssue: (i) => jira().transitionIssue(i),
    attachEvidence: (i) => jira().attachEvidence(i),
    verifyDecision: async ({ claim, consumed }) => {
      const actor = personOf(claim.actorAccountId);
      if (!claim.changelogId?.startsWith('real-'))
        return {
          match: { confirmed: false, reason: 'Jira has no changelog entry on this issue' },
          actor: { accountId: claim.actorAccountId, approverGroups: [] },
        };
      if (consumed.includes(claim.changelogId))
        return {
          match: { confirmed: false, reason: `changelog entry ${claim.changelogId} was already counted` },
          actor: { accountId: claim.actorAccountId, email: actor?.email, approverGroups: [] },
        };
      return {
        match: {
          confirmed: true,
          source: {
            changelogId: claim.changelogId,
            accountId: claim.actorAccountId,
            at: claim.at,
            status: claim.status,
          },
        },
        actor: { accountId: claim.actorAccountId, email: actor?.email, approverGroups: [] },
      };
    },
    readRelatedRequest: async ({ issueKey }) =>
      world().related.get(issueKey) ?? { found: false, reason: `${issueKey} does not exist in Jira` },
  };
}

/** The Jira statuses of the example rules' status mapping, by decision. */
const mappedStatus: Record<Decision, string> = {
  Approved: 'Approved by Manager',
  Denied: 'Rejected',
  Revoked: 'Access Revoked',
  Declined: 'Declined by User',
};

export interface RequestOptions {
  application: string;
  accessType: string;
  /** As chosen in Jira; null = the level's default. */
  duration: string | null;
  requester?: Person;
  maxHistoryEvents?: number;
}

export type StartedRequest = Awaited<ReturnType<ReturnType<typeof requestStarter>>>;

/** Starts access requests (issue keys `<prefix>-1`, `-2`, …) on the environment's task queue. */
export function requestStarter(
  env: () => TestWorkflowEnvironment,
  taskQueue: string,
  world: () => RequestWorld,
  prefix = 'ACCESS',
) {
  let issues = 0;
  let events = 0;
  return async (options: RequestOptions) => {
    const issueKey = `${prefix}-${++issues}`;
    const requester = options.requester ?? people.alice;
    const now = async (): Promise<string> => new Date(await env().currentTimeMs()).toISOString();
    const input: AccessRequestInput = {
      issueKey,
      application: options.application,
      accessType: options.accessType,
      duration: options.duration,
      justification: 'workflow test',
      requester: { accountId: requester.accountId },
      requestedAt: await now(),
      ...(options.maxHistoryEvents ? { maxHistoryEvents: options.maxHistoryEvents } : {}),
    };
    await env().client.workflow.start<typeof accessRequestWorkflow>('accessRequestWorkflow', {
      workflowId: `access-request-${issueKey}`,
      taskQueue,
      args: [input],
    });
    // By id, not by first run: the run it reaches may be one continued as new.
    const handle: WorkflowHandle<typeof accessRequestWorkflow> = env().client.workflow.getHandle<
      typeof accessRequestWorkflow
    >(`access-request-${issueKey}`);
    const state = (): Promise<RequestSnapshot> => answeredQuery(env(), () => handle.query(stateQuery));
    const until = (check: (s: RequestSnapshot) => boolean, what: string): Promise<RequestSnapshot> =>
      pollUntil(
        state,
        check,
        what,
        (s) => s && { state: s.state, problem: s.problem, expiresAt: s.expiresAt, jira: s.jiraWriteBack },
      );
    return {
      issueKey,
      input,
      handle,
      state,
      until,
      /**
       * The evidence once the run (maybe one continued as new) has closed: polled, since the test server's
       * long poll on a chain of continued runs can miss the last one's completion.
       */
      async evidence(): Promise<EvidenceRecord> {
        for (let i = 0; i < 120 && (await handle.describe()).status.name === 'RUNNING'; i++)
          await env().sleep('1 minute');
        return (await handle.result()) as EvidenceRecord;
      },
      /** `LeaseholdState` as operators filter on it. */
      async stateAttribute(): Promise<string | undefined> {
        return (await handle.describe()).typedSearchAttributes.get(searchAttributes.state);
      },
      /** A status change by `by` on this request (or `issueKey`); Jira's changelog has it unless `recorded: false`. */
      async decide(
        by: Person,
        decision: Decision,
        opts: { issueKey?: string; recorded?: boolean } = {},
      ): Promise<void> {
        const n = ++events;
        const change: StatusChange = {
          eventId: `event-${n}`,
          issueKey: opts.issueKey ?? issueKey,
          decision,
          status: mappedStatus[decision],
          actorAccountId: by.accountId,
          at: await now(),
        };
        if (opts.recorded !== false) change.changelogId = `real-${n}`;
        await handle.signal(statusChangedSignal, change);
      },
      /** The requester raises a *Request Access Change* `changeKey` for this access (Jira has it), signalled here. */
      async requestChange(changeKey: string, duration: string): Promise<void> {
        const at = await now();
        world().related.set(changeKey, {
          found: true,
          kind: 'change',
          reporterAccountId: requester.accountId,
          createdAt: at,
          application: input.application,
          accessType: input.accessType,
          duration,
        });
        await handle.signal(changeRequestedSignal, {
          eventId: `event-${++events}`,
          issueKey: changeKey,
          actorAccountId: requester.accountId,
          duration,
          at,
        });
      },
    };
  };
}

/**
 * A test file's requests: a time-skipping server and worker for the file (`beforeAll`), a fresh world
 * per test, and `start` for requests. Read `env` and `world` inside tests (they are set by the hooks).
 */
export interface RequestSuite {
  env: TestWorkflowEnvironment;
  world: RequestWorld;
  start: (options: RequestOptions) => Promise<StartedRequest>;
  /** The first comment in Jira starting with `prefix`, once it has landed. */
  comment(prefix: string, issueKey?: string): Promise<{ issueKey: string; text: string; at?: number }>;
}

export function requestSuite(taskQueue: string, rulesText?: string): RequestSuite {
  let temporal: Awaited<ReturnType<typeof mockedTemporal>> | undefined;
  const suite: RequestSuite = {
    env: undefined as unknown as TestWorkflowEnvironment,
    world: new RequestWorld(),
    start: (options) => start(options),
    comment: async (prefix, issueKey) => {
      const found = await pollUntil(
        async () => suite.world.jira.commentsStarting(prefix, issueKey),
        (c) => c.length > 0,
        `a comment "${prefix}…"`,
        () => suite.world.jira.comments.map((c) => c.text.split('\n')[0]),
      );
      return found[0]!;
    },
  };
  const start = requestStarter(
    () => suite.env,
    taskQueue,
    () => suite.world,
  );
  beforeAll(async () => {
    temporal = await mockedTemporal(taskQueue, (env) =>
      requestActivities(env, taskQueue, () => suite.world, rulesText),
    );
    suite.env = temporal.env;
  });
  afterAll(async () => {
    await temporal?.stop();
  });
  beforeEach(() => {
    suite.world = new RequestWorld();
  });
  return suite;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Milliseconds from an ISO time (or epoch ms) to another. */
export const between = (from: string | number, to: string | number): number =>
  (typeof to === 'number' ? to : Date.parse(to)) - (typeof from === 'number' ? from : Date.parse(from));
