/**
 * The respond action: a reviewer asks the agent about a run waiting for a decision ("why this palette?", "which
 * source says 330 m?") and one activity answers from the run's own context (questionContext.ts), with no render.
 * A Workflow Update whose validator refuses, before anything is written to history: a message another tenant
 * encrypted, an empty or over-long question, a run not waiting for a decision, questions past the run's limit, and
 * on runs the API started, an unsigned, forged, stale or repeated one. The answer is kept in the run's state
 * (status, report) and its model call counted in the run's usage; the review wait is not touched.
 */
import { ActivityFailure, ApplicationFailure, condition, isCancellation, patched, setHandler, TimeoutFailure, workflowInfo } from '@temporalio/workflow';
import { questionFieldsOf, signatureProblem } from '../../../common/decisionSignature';
import { PRIORITY_KEYS } from '../../../common/dispatchPriority';
import { FailureType } from '../../../common/failureTypes';
import { FOREIGN_PAYLOAD_PROBLEM, isForeignPayload } from '../../../common/foreignPayload';
import { usageOf } from '../../../common/modelCall';
import type { ReviewQuestion, ReviewQuestionRecord } from '../../../common/review';
import { MAX_REVIEW_QUESTIONS, questionProblem } from '../../../common/reviewRules';
import { activitiesFor, QUESTION_TIMEOUTS } from '../../activityStubs';
import { REVIEW_QUESTIONS } from '../../patches';
import { askAgentUpdate, type AgentAnswer } from '../generationMessages';
import type { Run } from '../run';
import { refuseDecision } from './decisionAuthority';
import { questionContext } from './questionContext';

export class ReviewQuestions {
  /** Questions accepted so far, answered or not: the limit bounds what a run may spend on them. */
  private asked = 0;
  private inFlight = 0;
  /** Signed question ids accepted: each is answered once. */
  private readonly ids = new Set<string>();

  constructor(private readonly run: Run) {}

  install(): void {
    setHandler(askAgentUpdate, (q) => this.answer(q), { validator: (q) => refuseDecision(this.problem(q)) });
  }

  /** Resolves once no question is being answered, so a run that was decided meanwhile does not end under its asker. */
  async settled(): Promise<void> {
    if (this.inFlight > 0) await condition(() => this.inFlight === 0);
  }

  private problem(q: ReviewQuestion): string | undefined {
    if (isForeignPayload(q)) return FOREIGN_PAYLOAD_PROBLEM;
    const refused = questionProblem(this.run.gate, q, this.asked);
    const auth = this.run.input.reviewAuth;
    if (refused || !auth) return refused;
    const info = workflowInfo();
    const fields = questionFieldsOf(info.workflowId, q.question);
    const bad = signatureProblem(auth, fields, q, { runId: info.runId, now: Date.now() }, 'question');
    if (bad) return bad;
    return auth.version === 2 && this.ids.has(q.decisionId!) ? `duplicate question: question ${q.decisionId} was already asked` : undefined;
  }

  private async answer(q: ReviewQuestion): Promise<AgentAnswer> {
    const pending = this.run.gate.pending;
    const at = new Date().toISOString();
    this.asked += 1;
    this.inFlight += 1;
    if (typeof q.decisionId === 'string') this.ids.add(q.decisionId);
    try {
      patched(REVIEW_QUESTIONS);
      const gate = pending?.kind ?? 'result';
      // A person waits on the answer: it goes first in its queue, as the work after a decision does.
      const acts = activitiesFor(this.run.options.outageWindow, { priorityKey: PRIORITY_KEYS.afterReview });
      const { value, calls } = await acts.question
        .answerReviewQuestion({ question: q.question, context: questionContext(this.run, gate) })
        .catch((err: unknown) => {
          throw unanswered(err);
        });
      this.run.recorder.record(calls);
      const signed = this.run.input.reviewAuth !== undefined && typeof q.principal === 'string';
      const record: ReviewQuestionRecord = {
        question: q.question,
        answer: value.answer,
        sources: value.sources,
        by: signed ? q.principal! : (q.reviewer ?? 'anonymous'),
        at,
        ...(signed ? { signed: true as const } : {}),
        gate,
        ...(pending?.candidateKey ? { candidateKey: pending.candidateKey } : {}),
        provider: calls[0]?.provider ?? 'none',
      };
      this.run.questions.push(record);
      return { ...record, usage: usageOf(calls), remaining: Math.max(0, MAX_REVIEW_QUESTIONS - this.asked) };
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** Why the answer failed, as the asker reads it: from the failure's kind, never the vendor's message (it may name hosts). */
function unanswered(err: unknown): unknown {
  if (isCancellation(err)) return err;
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  // Out of time: a timeout, or retries the question's schedule-to-close ended (the cause is then the last attempt's failure).
  const outOfTime = cause instanceof TimeoutFailure || (err instanceof ActivityFailure && err.retryState === 'TIMEOUT');
  const why = outOfTime
    ? `the model did not answer within ${QUESTION_TIMEOUTS.totalMs / 60_000} minutes`
    : cause instanceof ApplicationFailure && cause.type
      ? `the model call failed (${cause.type})`
      : 'the model call failed';
  return ApplicationFailure.create({
    type: FailureType.ReviewQuestionUnanswered,
    message: `the agent could not answer: ${why}; the run still waits for its decision`,
    nonRetryable: true,
  });
}
