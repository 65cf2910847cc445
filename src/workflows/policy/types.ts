import type { RulesDocument } from '../../policy/schema';
import type { RuleProblem } from '../../policy/validate';

export interface Submission {
  /** The rules document as parsed from YAML/JSON (validated whole by the update's validator). */
  document: unknown;
  submittedBy: string;
  comment?: string;
}

export interface RulesVersion {
  version: number;
  rules: RulesDocument;
  /** SHA-256 of the canonical JSON of the document. */
  digest: string;
  submittedBy: string;
  submittedAt: string;
  comment?: string;
  approvedBy?: string;
  approvedAt?: string;
}

/** The rules in force, named without their document. */
export type ActiveVersion = Pick<RulesVersion, 'version' | 'digest'>;

export type VersionStatus = 'active' | 'superseded' | 'pending' | 'withdrawn';

export interface RulesVersionSummary {
  version: number;
  digest: string;
  status: VersionStatus;
  submittedBy: string;
  submittedAt: string;
  comment?: string;
  approvedBy?: string;
  approvedAt?: string;
  activatedAt?: string;
}

export interface SubmitResult {
  version: number;
  status: 'active' | 'pending' | 'unchanged';
  digest: string;
}

/** What the apply-time checks found (groups that do not exist, connections that fail). */
export interface RulesCheck {
  digest: string;
  problems: RuleProblem[];
}

export interface PolicyState {
  nextVersion: number;
  activeVersion?: number;
  /** Full documents of the most recent versions (older ones keep only their summary). */
  documents: RulesVersion[];
  history: RulesVersionSummary[];
  pending?: RulesVersion;
}
