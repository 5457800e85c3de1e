/**
 * @module Cheap exact checks for the per-step payload shapes of schemas.ts. A history of a thousand
 * steps holds thousands of these payloads; parsing each with zod costs time and a full copy of it.
 * A guard says true only for values its schema accepts unchanged (no defaults, no transforms), so the
 * value can be used as it is; anything else goes to zod, which also names the offending field.
 * test/replay/guards.test.ts pins each guard against its schema.
 */
import { DECISIONS, RISK_LEVELS } from '../../governance/types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
// why isFinite: zod 4's z.number() refuses NaN and infinities.
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const opt = (v: unknown, is: (x: unknown) => boolean): boolean => v === undefined || is(v);
const listOf = (v: unknown, is: (x: unknown) => boolean): boolean => Array.isArray(v) && v.every((x) => is(x));
const oneOf = (values: readonly string[]) => (v: unknown): boolean => isStr(v) && values.includes(v);

const isReason = (v: unknown): boolean => isObj(v) && isStr(v.code) && isStr(v.message) && opt(v.policyId, isStr);
const isFactor = (v: unknown): boolean => isObj(v) && isStr(v.code) && isNum(v.weight) && isStr(v.explanation);
const isRisk = (v: unknown): boolean => isObj(v) && isNum(v.score) && oneOf(RISK_LEVELS)(v.level) && listOf(v.factors, isFactor);
const isUsage = (v: unknown): boolean => isObj(v) && isNum(v.costUsd) && isNum(v.tokens) && isNum(v.wallTimeMs);
const isBudgetSnapshot = (v: unknown): boolean => isObj(v) && isNum(v.fractionUsed) && isBool(v.exhausted);
const isInputs = (v: unknown): boolean => isObj(v) && opt(v.toolDigest, isStr) && opt(v.budget, isBudgetSnapshot) && isObj(v.args);

export const isStepRef = (v: unknown): boolean => isObj(v) && isStr(v.stepId);

export const isAssessment = (v: unknown): boolean =>
  isObj(v) && isStr(v.stepId) && isStr(v.tool) && oneOf(DECISIONS)(v.decision) && listOf(v.reasons, isReason)
  && listOf(v.determiningPolicies, isStr) && isStr(v.policySetVersion) && isRisk(v.risk) && isBool(v.tainted)
  && listOf(v.taintSources, isStr) && isStr(v.argsDigest) && isStr(v.evaluatedAt) && opt(v.inputs, isInputs);

export const isReserveResult = (v: unknown): boolean =>
  isObj(v) && ((v.ok === true && isStr(v.reservationKey)) || (v.ok === false && isReason(v.reason)));

export const isToolRun = (v: unknown): boolean =>
  isObj(v) && isBool(v.ok) && isStr(v.resultDigest) && opt(v.error, (e) => isObj(e) && isStr(e.code) && isStr(e.message)) && isUsage(v.usage);

export const isSettleInput = (v: unknown): boolean =>
  isObj(v) && opt(v.stepId, isStr) && isStr(v.reservationKey) && (v.usage === null || isUsage(v.usage));

export const isRecordStep = (v: unknown): boolean =>
  isObj(v) && isObj(v.view) && isStr(v.view.stepId) && isStr(v.view.tool) && isStr(v.view.state) && listOf(v.view.reasons, isReason) && opt(v.view.executed, isBool);
