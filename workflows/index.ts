/** @module Workflow bundle entry: every workflow the worker registers. */
export { governedTask } from './governed-task.js';
