/**
 * The grounding-route table (common/groundingRoutes.ts) and everything that reads it agree: each route's
 * activity is an agent activity, served by the orchestration worker; the claim check, the grounding metric,
 * the planner's prompt and schema, the ablations and the question dispatch all follow the row. Needs no stack.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, Next, ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { createAgentActivities, createGpuActivities, type GpuDeps } from '../../activities';
import type { AgentDeps } from '../../activities/agentDeps';
import type { Prices } from '../../common/config';
import type { GroundedAnswer } from '../../common/evidence';
import { GROUNDING_ABLATIONS, GROUNDING_ROUTE_NAMES, GROUNDING_ROUTES, groundingRouteOf, type GroundingRoute } from '../../common/groundingRoutes';
import type { ModelCallRecord } from '../../common/modelCall';
import type { ContextPlan, PlannedQuestion } from '../../common/plan';
import type { Ablations } from '../../common/request';
import type { ChatModel, ChatRequest } from '../../providers/chatModel';
import { ChatPlanner } from '../../providers/roles/planner';
import { groundingCalls } from '../../telemetry/appMetrics';
import { activityMetrics } from '../../telemetry/metricsInterceptor';
import { isClaimChecked } from '../../workers/modelCallClaimCheck';
import type { RunActivities } from '../../workflows/activityStubs';
import { answerQuestion, type QuestionArgs } from '../../workflows/generate/ground/groundQuestion';

// The factories only close over their dependencies, so empty ones are enough to list the activities.
const agentActivities = Object.keys(createAgentActivities({} as AgentDeps));
const gpuActivities = Object.keys(createGpuActivities({} as GpuDeps));

const question = (route: GroundingRoute): PlannedQuestion => ({ id: 'q1', question: `a ${route} question`, route, dependsOn: [], rationale: 'test' });

const args = (ablations: Ablations = {}): QuestionArgs => ({
  request: 'a poster',
  tenantId: 't',
  userId: 'u',
  today: '2026-12-03',
  ablations,
  excludeWorkflowIds: [],
  memoryBudgetChars: 1000,
});

const answered = (route: GroundingRoute): GroundedAnswer => ({
  questionId: 'q1',
  question: `a ${route} question`,
  route,
  status: 'answered',
  answer: `answered by ${route}`,
  items: [],
  references: [],
  via: route,
  calls: [],
  durationMs: 1,
});

/** Stubs that record which route's activity was scheduled, and answer as that route. */
function fakeStubs(scheduled: GroundingRoute[]): RunActivities {
  const ground = Object.fromEntries(
    GROUNDING_ROUTE_NAMES.map((route) => [
      route,
      {
        executeWithOptions: (_options: unknown, _args: unknown[]) => {
          scheduled.push(route);
          return Promise.resolve(route === 'memory' ? { memory: {}, answer: answered(route), referenceKeys: [] } : answered(route));
        },
      },
    ]),
  );
  return { ground } as unknown as RunActivities;
}

describe('grounding-route table', () => {
  it('names an agent activity for every route, served by the orchestration worker, not the GPU worker', () => {
    for (const route of GROUNDING_ROUTE_NAMES) {
      const { activity } = GROUNDING_ROUTES[route];
      expect(agentActivities).toContain(activity);
      expect(gpuActivities).not.toContain(activity);
      expect(groundingRouteOf(activity)).toBe(route);
    }
    // One activity per route: the metric and the claim check find the route from the activity type.
    expect(new Set(GROUNDING_ROUTE_NAMES.map((r) => GROUNDING_ROUTES[r].activity)).size).toBe(GROUNDING_ROUTE_NAMES.length);
  });

  it('claim-checks exactly the routes whose rows say so, beside the other model-calling activities', () => {
    for (const route of GROUNDING_ROUTE_NAMES) expect(isClaimChecked(GROUNDING_ROUTES[route].activity)).toBe(GROUNDING_ROUTES[route].claimChecked);
    expect(agentActivities.filter(isClaimChecked).sort()).toEqual(
      [
        'answerReviewQuestion',
        'composePrompt',
        'critiqueImage',
        'planChecklist',
        'planContext',
        'reasonQuestion',
        'rememberTurn',
        'searchImages',
        'searchWeb',
      ].sort(),
    );
    expect(isClaimChecked('renderImage')).toBe(false);
    expect(isClaimChecked('toString')).toBe(false);
  });

  it("counts each route's activity under the row's metric source", async () => {
    const interceptor = activityMetrics({ prices: {} as Prices, imageModel: 'm' });
    const count = async (source: string) =>
      (await groundingCalls.get()).values.find((v) => v.labels.source === source && v.labels.outcome === 'ok')?.value ?? 0;
    for (const route of GROUNDING_ROUTE_NAMES) {
      const { activity, metricSource } = GROUNDING_ROUTES[route];
      const before = await count(metricSource);
      const inbound = interceptor({ info: { activityType: activity } } as unknown as Context).inbound as ActivityInboundCallsInterceptor;
      const next: Next<ActivityInboundCallsInterceptor, 'execute'> = () => Promise.resolve(undefined);
      await inbound.execute!({ args: [], headers: {} } as unknown as ActivityExecuteInput, next);
      expect(await count(metricSource)).toBe(before + 1);
    }
  });

  it("lists every route with its guidance in the planner's prompt, and its schema accepts every route", async () => {
    let sent: ChatRequest<ContextPlan> | undefined;
    const call: ModelCallRecord = {
      purpose: 'plan_context',
      provider: 'openai',
      model: 'm',
      messages: [],
      response: '',
      usage: { inputTokens: 0, outputTokens: 0 },
      durationMs: 0,
    };
    const chat = {
      structured: (req: ChatRequest<ContextPlan>) => {
        sent = req;
        return Promise.resolve({ value: { intent: 'x', questions: [], images: [{ id: 'image-1', brief: 'x', dependsOn: [] }] }, call });
      },
    } as unknown as ChatModel;
    await new ChatPlanner(chat, 'm').planContext({ request: 'a poster', today: '2026-12-03', inputImageCount: 0, history: [] });
    const routeLines = sent!.system.split('\n').filter((l) => l.startsWith('- "'));
    expect(routeLines).toEqual(GROUNDING_ROUTE_NAMES.map((route) => `- "${route}": ${GROUNDING_ROUTES[route].plannerGuidance}`));
    for (const route of GROUNDING_ROUTE_NAMES) {
      const plan = sent!.schema.parse({ intent: 'x', questions: [{ id: 'q1', question: 'why?', route }], images: [{ id: 'i', brief: 'x' }] });
      expect(plan.questions[0]!.route).toBe(route);
    }
    expect(() => sent!.schema.parse({ intent: 'x', questions: [{ id: 'q1', question: 'why?', route: 'guess' }], images: [{ id: 'i', brief: 'x' }] })).toThrow();
  });

  it("dispatches each route's question to its own activity, and skips it under the row's ablation", async () => {
    for (const route of GROUNDING_ROUTE_NAMES) {
      const scheduled: GroundingRoute[] = [];
      const result = await answerQuestion(fakeStubs(scheduled), args(), question(route), []);
      expect(scheduled).toEqual([route]);
      expect(result.answer).toMatchObject({ route, status: 'answered', answer: `answered by ${route}` });

      const { ablation } = GROUNDING_ROUTES[route];
      const skipped = await answerQuestion(fakeStubs(scheduled), args({ [ablation]: true }), question(route), []);
      expect(scheduled).toEqual([route]);
      expect(skipped.answer).toMatchObject({ route, status: 'skipped', note: GROUNDING_ABLATIONS[ablation] });
    }
  });
});
