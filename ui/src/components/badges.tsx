/** @module Status, decision and risk badges: each carries a word and a symbol, never colour alone. */
import type { Decision, RiskLevel, StepState, TaskStatus } from '../api/types.js';

type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'muted';

const TASK: Record<TaskStatus, [Tone, string]> = {
  RUNNING: ['info', '▶'], AWAITING_APPROVAL: ['warn', '⏸'], COMPLETED: ['ok', '✓'], PARTIALLY_BLOCKED: ['warn', '◐'],
  BLOCKED: ['bad', '✕'], FAILED: ['bad', '!'], CANCELLED: ['muted', '–'],
};
const STEP: Record<StepState, [Tone, string]> = {
  PENDING: ['muted', '○'], ASSESSING: ['info', '…'], AWAITING_APPROVAL: ['warn', '⏸'], EXECUTING: ['info', '▶'],
  EXECUTED: ['ok', '✓'], DENIED: ['bad', '✕'], SKIPPED: ['muted', '↷'], FAILED: ['bad', '!'], CANCELLED: ['muted', '–'],
};
const DECISION: Record<Decision, [Tone, string]> = { ALLOW: ['ok', '✓'], DENY: ['bad', '✕'], REQUIRE_APPROVAL: ['warn', '?'] };
const RISK: Record<RiskLevel, [Tone, string]> = { LOW: ['ok', '▁'], MEDIUM: ['info', '▃'], HIGH: ['warn', '▆'], CRITICAL: ['bad', '█'] };

export const words = (s: string) => s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, ' ');

function Badge({ tone, icon, text, label }: { tone: Tone; icon: string; text: string; label?: string }) {
  return <span class={`badge ${tone}`} title={label}><span aria-hidden="true">{icon} </span>{text}</span>;
}

export const TaskStatusBadge = ({ status }: { status: TaskStatus }) => <Badge tone={TASK[status][0]} icon={TASK[status][1]} text={words(status)} />;
export const StepStateBadge = ({ state }: { state: StepState }) => <Badge tone={STEP[state][0]} icon={STEP[state][1]} text={words(state)} />;
export const DecisionBadge = ({ decision }: { decision: Decision | null }) =>
  decision ? <Badge tone={DECISION[decision][0]} icon={DECISION[decision][1]} text={words(decision)} label="policy decision" /> : <span class="muted">no decision</span>;
export const RiskBadge = ({ level, score }: { level: RiskLevel | null; score?: number }) =>
  level ? <Badge tone={RISK[level][0]} icon={RISK[level][1]} text={`${words(level)} risk${score === undefined ? '' : ` (${score})`}`} /> : <span class="muted">risk unknown</span>;

export const toneOfState = (s: StepState): Tone => STEP[s][0];
export const iconOfState = (s: StepState): string => STEP[s][1];
