/**
 * The engine: starting jobs, running steps with their arguments resolved, and deciding after each step what the job
 * does next. Talks to the database through the store and to the broker through the transport.
 * <p>
 * {@link dev.workflow.engine.WorkflowEngine} is the facade that the rest of the starter calls: it only wires the
 * package-private parts together and delegates to them. The life of a step, and the part that does each stage:
 * <pre>
 *  start           JobStarter: checks the input and contexts; the workflow's WorkflowDecider names the first
 *    |             steps; all of them to run now: one plain-SQL insert (JobRows.insert), else
 *    |             JobTransitions.createJob; the outbox rows are written with the job
 *    v
 *  outbox row      OutboxMessages: published after the transaction commits; OutboxDeletes deletes the rows
 *    |             whose messages the broker confirms
 *    v
 *  message         StepHandler: decodes it (the logging context names job and step), hands back a step this
 *  arrives         instance has no code for or whose history is ahead of it (UnknownWork, DefinitionVersions),
 *    |             and claims the step in one statement: the claim's epoch fences off a late outcome
 *    v
 *  step runs       StepInvoker, with its arguments resolved, on RunningSteps, which watches its timeout and
 *    |             lists it for the renewal of its lease
 *    |
 *    +-- returned  StepCompletion.complete, in one transaction, which chooses the path:
 *    |               completeAndInsertNext  a pipeline's next step    \  the fast paths: plain SQL in a
 *    |               completeLastStep       a pipeline's end           |  transaction of their own, no
 *    |               completeAndReplay      a workflow method's step  /   entity loaded; a pipeline's two
 *    |                                                                    share commits with completions at
 *    |                                                                    the same moment (GroupCommits)
 *    |               general path           entities, then JobTransitions
 *    |             on a fast path, exactly one next step in the same pool and the chain within its bounds:
 *    |             the next step is inserted claimed by this worker, with no outbox row, and StepHandler
 *    |             runs it at once on the same thread, a StepChain ("step runs" again: the fastest path)
 *    +-- threw     StepFailures, in one transaction: the next attempt after the retry policy's delay, or
 *    |             the job's failure
 *    v
 *  decide          JobTransitions: applies what the WorkflowDecider decided (PipelineDecider from the last
 *    |             result; OrchestrationDecider by replaying the history, whose completed start HistoryCache
 *    |             keeps decoded): entries to run, wait, record or start as a child; the job's end, its
 *    |             children cancelled, its parent going on
 *    v
 *  publish         OutboxMessages publishes the new rows after commit, EngineEvents the WorkflowEvents
 *
 *  recover         DueWork, in the background on every instance: retries and timers that are due, steps whose
 *                  lease lapsed or whose message was lost, outbox rows left behind or refused by the broker;
 *                  it renews the leases of the steps this instance runs
 *  commands        Commands: cancel, retry and send an event to a job that has started
 * </pre>
 * StepBindings knows every workflow's steps, invokers, worker pools and decider, found once at start-up. The
 * dependencies point one way: StepHandler uses StepCompletion and StepFailures, and DueWork uses StepFailures;
 * these, JobStarter and Commands use JobTransitions, which uses OutboxMessages, HistoryCache and EngineEvents;
 * below them all are the store and the transport.
 */
@NullMarked
package dev.workflow.engine;

import org.jspecify.annotations.NullMarked;
