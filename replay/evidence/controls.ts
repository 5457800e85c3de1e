/**
 * @module Which recorded control of Interceptor serves which requirement: EU AI Act Art. 12 and 14,
 * ISO/IEC 42001, SOC 2 CC7/CC8, NIST AI RMF, OWASP Top 10 for LLM Applications 2025 and the OWASP
 * agentic threats T1–T15. Each mapping names the bundle parts that evidence it and what the bundle
 * observed (counts from the replay records), so an auditor can check the claim against the data.
 */
import type { ReplayRecord } from '../reconstruct/types.js';

export interface ControlMapping {
  framework: string;
  id: string;
  title: string;
  /** What Interceptor records that serves this requirement. */
  control: string;
  /** Bundle parts that hold the evidence. */
  evidence: string[];
  /** The observation (a key of Observations) that shows the control at work in this bundle. */
  observed: keyof Observations;
}

export interface Observations {
  tasks: number;
  historyEvents: number;
  auditEvents: number;
  stepsAssessed: number;
  stepsDenied: number;
  approvalsRequested: number;
  approvalsDecidedByPeople: number;
  approvalsExpired: number;
  taintedSteps: number;
  budgetExceeded: number;
  toolsExecuted: number;
  toolFailures: number;
  retries: number;
  identitiesVerified: number;
  policyVersions: number;
}

const M = (framework: string, id: string, title: string, control: string, evidence: string[], observed: keyof Observations): ControlMapping => ({ framework, id, title, control, evidence, observed });

export const CONTROL_MAPPINGS: readonly ControlMapping[] = [
  M('EU AI Act', 'Art. 12', 'Record-keeping', 'every step, decision, approval and tool run is recorded in the Temporal history and in a hash-chained audit log', ['history', 'audit', 'replay'], 'historyEvents'),
  M('EU AI Act', 'Art. 14', 'Human oversight', 'steps that policy marks for approval wait for a named person, who sees tool, arguments, provenance and risk; expiry denies', ['approvals', 'replay', 'history'], 'approvalsRequested'),
  M('ISO/IEC 42001', '6.1 / 8.2', 'AI risk assessment', 'each step gets a risk score and level before it may run', ['replay'], 'stepsAssessed'),
  M('ISO/IEC 42001', '9.1', 'Monitoring, measurement, analysis', 'decisions, retries, failures and budget use are counted per task', ['replay', 'audit'], 'toolsExecuted'),
  M('SOC 2', 'CC7.2', 'Anomalies and security events are monitored', 'denials, tainted inputs and budget refusals are recorded with reasons and determining policies', ['audit', 'replay'], 'stepsDenied'),
  M('SOC 2', 'CC7.3', 'Security events are evaluated', 'the replay record and timeline explain each denial and failure', ['replay'], 'toolFailures'),
  M('SOC 2', 'CC8.1', 'Changes are authorised and tracked', 'policy sets are versioned by content hash and every decision names the version that made it', ['policies', 'replay'], 'policyVersions'),
  M('NIST AI RMF', 'GOVERN 1.4', 'Transparent policies and accountability', 'Cedar policy text, versions and the approver of each held step', ['policies', 'approvals'], 'policyVersions'),
  M('NIST AI RMF', 'MAP 4.1', 'Risks from third-party data and tools are mapped', 'argument provenance and taint sources are tracked through the plan', ['replay'], 'taintedSteps'),
  M('NIST AI RMF', 'MEASURE 2.7', 'Security and resilience are evaluated', 'risk scores, denials and tool failures per step', ['replay'], 'stepsAssessed'),
  M('NIST AI RMF', 'MANAGE 2.4', 'Mechanisms to disengage or deactivate', 'deny by default, approvals, cancellation and budgets stop steps before they act', ['replay', 'history'], 'stepsDenied'),
  M('OWASP LLM Top 10 2025', 'LLM01', 'Prompt injection', 'untrusted provenance taints dependent steps; instruction-like arguments raise risk and can require approval', ['replay'], 'taintedSteps'),
  M('OWASP LLM Top 10 2025', 'LLM02', 'Sensitive information disclosure', 'secrets and PII are redacted from audit data and from this bundle', ['audit', 'history'], 'auditEvents'),
  M('OWASP LLM Top 10 2025', 'LLM06', 'Excessive agency', 'capabilities, argument schemas, path and URL allowlists and Cedar policies bound each tool call', ['replay', 'policies'], 'stepsDenied'),
  M('OWASP LLM Top 10 2025', 'LLM10', 'Unbounded consumption', 'budgets are reserved before and settled after each tool run', ['replay', 'audit'], 'budgetExceeded'),
  M('OWASP Agentic Threats', 'T2', 'Tool misuse', 'every tool call is assessed against its registered definition and policy before it runs', ['replay'], 'stepsAssessed'),
  M('OWASP Agentic Threats', 'T3', 'Privilege compromise', 'signed agent credentials, narrowed capabilities and the delegation chain are verified per task', ['identities', 'replay'], 'identitiesVerified'),
  M('OWASP Agentic Threats', 'T4', 'Resource overload', 'budgets and bounded retries', ['replay'], 'retries'),
  M('OWASP Agentic Threats', 'T6', 'Intent breaking and goal manipulation', 'the extracted plan is fixed before execution and replayable', ['history', 'replay'], 'tasks'),
  M('OWASP Agentic Threats', 'T8', 'Repudiation and untraceability', 'signed manifest, hash-chained audit log and the history bind who did what', ['audit', 'history', 'identities'], 'auditEvents'),
  M('OWASP Agentic Threats', 'T10', 'Overwhelming human in the loop', 'approvals are asked only where policy says, expire on a deadline, and are counted', ['approvals', 'replay'], 'approvalsExpired'),
  M('OWASP Agentic Threats', 'T15', 'Human manipulation', 'approvers see provenance, taint and risk of what they approve; decisions are bound to the exact arguments', ['approvals', 'replay'], 'approvalsDecidedByPeople'),
];

/** What the bundle's records show, counted the same way at build and at verification. */
export function observe(records: readonly ReplayRecord[], auditEvents: number, policyVersions: number): Observations {
  const o: Observations = { tasks: records.length, historyEvents: 0, auditEvents, stepsAssessed: 0, stepsDenied: 0, approvalsRequested: 0, approvalsDecidedByPeople: 0, approvalsExpired: 0, taintedSteps: 0, budgetExceeded: 0, toolsExecuted: 0, toolFailures: 0, retries: 0, identitiesVerified: 0, policyVersions };
  for (const r of records) {
    o.historyEvents += r.summary.eventCount;
    o.retries += r.summary.retries.total;
    o.budgetExceeded += r.summary.budget.exceeded;
    if (r.summary.identity) o.identitiesVerified++;
    for (const a of r.summary.approvals) {
      o.approvalsRequested++;
      if (a.decidedBy) o.approvalsDecidedByPeople++;
      if (a.status === 'EXPIRED') o.approvalsExpired++;
    }
    for (const s of r.steps) {
      if (s.assessment) o.stepsAssessed++;
      if (s.assessment?.tainted) o.taintedSteps++;
      if (s.decision === 'DENY') o.stepsDenied++;
      if (s.execution?.ok) o.toolsExecuted++;
      if (s.execution && !s.execution.ok) o.toolFailures++;
    }
  }
  return o;
}

/** The controls part of a bundle. */
export function controlsPart(records: readonly ReplayRecord[], auditEvents: number, policyVersions: number): { observations: Observations; mappings: Array<ControlMapping & { count: number }> } {
  const observations = observe(records, auditEvents, policyVersions);
  return { observations, mappings: CONTROL_MAPPINGS.map((m) => ({ ...m, evidence: [...m.evidence], count: observations[m.observed] })) };
}
