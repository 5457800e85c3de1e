import { describe, expect, it } from 'vitest';
import { cedar } from './cedar.js';
import { requestShapeOf } from './references.js';

const shapeOf = (text: string) => {
  const json = cedar.policyToJson(text);
  if (json.type !== 'success') throw new Error('fixture');
  const s = requestShapeOf([json.json]);
  return { context: s.contextKeys === 'all' ? 'all' : [...s.contextKeys].sort(), fields: Object.fromEntries([...s.contextFields].map(([k, v]) => [k, [...v].sort()])), attributes: [...s.attributes].sort(), hierarchy: s.usesHierarchy, caps: s.capabilityProbes === 'all' ? 'all' : [...s.capabilityProbes.literals, ...(s.capabilityProbes.requiredCapability ? ['<required>'] : [])] };
};

describe('requestShapeOf', () => {
  it.each([
    ['permit (principal, action, resource);', { context: [], fields: {}, attributes: [], hierarchy: false, caps: [] }],
    ['permit (principal, action, resource) when { context.risk.score > 3 && context has budget };', { context: ['budget', 'risk'], fields: { risk: ['score'] }, attributes: ['budget', 'risk', 'score'], hierarchy: false, caps: [] }],
    ['permit (principal, action, resource) when { principal.capabilities.contains(resource.requiredCapability) };', { context: [], fields: {}, attributes: ['capabilities', 'requiredCapability'], hierarchy: false, caps: ['<required>'] }],
    ['permit (principal, action, resource) when { principal.capabilities.contains("team:x") || principal.capabilities.contains("team:y") };', { context: [], fields: {}, attributes: ['capabilities'], hierarchy: false, caps: ['team:x', 'team:y'] }],
    ['permit (principal, action, resource) when { principal.capabilities.contains("a") && principal.capabilities.containsAny(["b"]) };', { context: [], fields: {}, attributes: ['capabilities'], hierarchy: false, caps: 'all' }],
    ['permit (principal, action, resource) when { principal.capabilities.contains(principal.tenant) };', { context: [], fields: {}, attributes: ['capabilities', 'tenant'], hierarchy: false, caps: 'all' }],
    ['permit (principal, action, resource) when { context.args.hasTag("to") && context.args.getTag("to") like "*context.x*" };', { context: ['args'], fields: {}, attributes: ['args'], hierarchy: false, caps: [] }],
    ['permit (principal, action, resource) when { context == {} };', { context: 'all', fields: {}, attributes: [], hierarchy: false, caps: [] }],
    ['permit (principal, action, resource) when { [context].contains(context) };', { context: 'all', fields: {}, attributes: [], hierarchy: false, caps: [] }],
    ['permit (principal in User::"a", action, resource);', { context: [], fields: {}, attributes: [], hierarchy: true, caps: [] }],
    ['permit (principal is Agent in User::"a", action, resource);', { context: [], fields: {}, attributes: [], hierarchy: true, caps: [] }],
    ['permit (principal, action, resource) when { principal in User::"a" };', { context: [], fields: {}, attributes: [], hierarchy: true, caps: [] }],
    ['permit (principal, action, resource) when { context.time.hourUtc > 8 && context has budget.exhausted && context.time has dayOfWeek };', { context: ['budget', 'time'], fields: { budget: ['exhausted'], time: ['dayOfWeek', 'hourUtc'] }, attributes: ['budget', 'dayOfWeek', 'exhausted', 'hourUtc', 'time'], hierarchy: false, caps: [] }],
    ['permit (principal, action, resource) when { context.time.hourUtc > 8 && context.time == {hourUtc: 1} };', { context: ['time'], fields: {}, attributes: ['hourUtc', 'time'], hierarchy: false, caps: [] }],
    ['permit (principal, action, resource) when { {a: context.tainted}.a };', { context: ['tainted'], fields: {}, attributes: ['a', 'tainted'], hierarchy: false, caps: [] }],
  ])('%s', (text, expected) => {
    expect(shapeOf(text)).toEqual(expected);
  });
});
