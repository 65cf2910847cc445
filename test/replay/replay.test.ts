import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historiesDir, WORKFLOW_TYPES } from './scenarios';

/**
 * Saved histories of every workflow type replayed against the current code: a change that would
 * break running workflows (non-determinism) fails here, not in production.
 */
describe('replay of saved histories', () => {
  const workflowIds = JSON.parse(fs.readFileSync(path.join(historiesDir, 'workflow-ids.json'), 'utf8')) as Record<
    string,
    string
  >;
  const files = Object.keys(workflowIds).sort();

  test('there is a saved history of every workflow type', () => {
    const types = new Set(
      files.map((f) => {
        const history = JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8')) as {
          events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }>;
        };
        return history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      }),
    );
    expect([...types].sort()).toEqual(WORKFLOW_TYPES);
  });

  test.each(files)('%s replays without non-determinism', async (file) => {
    const history: unknown = JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8'));
    // The audit sink is registered (as the worker does) so the replay says nothing about it.
    const sinks = { audit: { stateChanged: { fn: () => undefined } } };
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: process.env.LEASEHOLD_WORKFLOW_BUNDLE! }, replayName: `replay-${file}`, sinks },
      history,
      workflowIds[file],
    );
  });
});
