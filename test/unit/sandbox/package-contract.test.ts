import * as sandboxPackage from '@leasehold/sandbox';
import { loadSandboxPackage, SANDBOX_PACKAGE, type SandboxPackage } from '../../../src/app/sandbox-package';

/**
 * The product declares what it uses of @leasehold/sandbox (so that it compiles without it); this
 * assignment fails the typecheck the day the package stops providing it.
 */
const provided: SandboxPackage = sandboxPackage;

describe('the sandbox package as the product loads it', () => {
  test('the loader finds the package by name, the same module the tests import', async () => {
    expect(SANDBOX_PACKAGE).toBe('@leasehold/sandbox');
    const loaded = await loadSandboxPackage('test');
    expect(loaded.startSandboxes).toBe(provided.startSandboxes);
    expect(loaded.samplePerson('alice')).toEqual(
      expect.objectContaining({ handle: 'alice', email: 'alice@example.com' }),
    );
    expect(loaded.samplePeople.map((p) => p.handle)).toContain('bob');
  });
});
