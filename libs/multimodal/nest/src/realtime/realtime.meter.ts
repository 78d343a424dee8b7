/**
 * Billing and limits of Realtime responses, the way chat completions are billed and admitted: each
 * response is admitted against the key's limits and budgets before the upstream is called (its
 * prompt's tokens + the reserved output), and ends in one billing event — the committed audio's
 * seconds (and its transcript's tokens) as audio, the rest of the prompt as text input, the answer as
 * text output — then settles the reservation. A refusal is counted per key and reason.
 */
import type { UsageLine } from '@frontier/multimodal-contracts';
import type { Principal } from '@frontier/platform-nest';
import type { BillingEventPayload } from '@frontier/multimodal-contracts';
import { asUnavailable } from '@frontier/platform-util';
import { RateLimitedError } from '../limits/rate-limited.error';
import type { RejectionsService } from '../spend/rejections.service';
import { rejectionReason } from '../spend/rejections.service';
import type { BillingPort, GatewayModel, LimitsPort, PlannerPort } from '../chat/ports';

/** What one response used. */
export interface RealtimeUsage {
  /** Text tokens of the whole prompt (instructions + history, the new transcripts included). */
  promptTokens: number;
  /** Of those, the tokens of the transcripts of the audio committed since the last response. */
  audioTokens: number;
  /** Seconds of that audio. */
  audioSeconds: number;
  outputTokens: number;
}

/** A refusal as the session reports it: a Realtime `error` event's `error` object. */
export interface RealtimeRefusal {
  type: string;
  code: string;
  message: string;
}

export interface RealtimeMeter {
  /** Output tokens reserved per response (also the upstream's max_tokens). */
  readonly reservedOutputTokens: number;
  countText(text: string): number;
  /** Admits a response of `promptTokens`; a refusal (limits, budget, an outage) comes back as the error event's body, counted for the key. */
  admit(promptTokens: number): Promise<{ admission: unknown } | { refused: RealtimeRefusal }>;
  /** Bills the response (one event, request id = the response id) and settles its reservation; never throws. */
  bill(responseId: string, admission: unknown, status: BillingEventPayload['status'], usage: RealtimeUsage): Promise<UsageLine[]>;
}

export interface RealtimeMeterDeps {
  quota: LimitsPort;
  billing: BillingPort;
  planner: PlannerPort;
  rejections?: RejectionsService | null;
  /** Output tokens reserved per response when the client sets none. */
  defaultMaxTokens: number;
  log?: (m: string) => void;
}

export function createRealtimeMeter(d: RealtimeMeterDeps, principal: Principal, model: GatewayModel): RealtimeMeter {
  const reserved = Math.min(d.defaultMaxTokens, model.maxOutputTokens);
  return {
    reservedOutputTokens: reserved,
    countText: (text) => d.planner.countText(model, text),
    async admit(promptTokens) {
      try {
        return { admission: await d.quota.admit(principal, promptTokens + reserved) };
      } catch (e) {
        if (e instanceof RateLimitedError) {
          const body = e.getResponse() as { error: { type: string; code: string; message: string } };
          const reason = rejectionReason(e, 429, body.error.code);
          if (reason) d.rejections?.record(principal, reason);
          return { refused: { type: body.error.type, code: body.error.code, message: body.error.message } };
        }
        const u = asUnavailable(e);
        if (!u) throw e;
        return { refused: { type: 'server_error', code: 'service_unavailable', message: `The gateway cannot check this key's limits right now (${u.message}); try again in ${u.retryAfterS ?? 1} s` } };
      }
    },
    async bill(responseId, admission, status, u) {
      const lines = d.planner.meter(model, {
        textInputTokens: Math.max(0, u.promptTokens - u.audioTokens),
        outputTokens: u.outputTokens,
        imageTokens: 0,
        images: 0,
        audioTokens: u.audioTokens,
        audioSeconds: u.audioSeconds,
        videoTokens: 0,
        videoFrames: 0,
      });
      const cost = lines.reduce((s, l) => s + l.costUsd, 0);
      const event: BillingEventPayload = { requestId: responseId, tenantId: principal.tenantId, keyId: principal.keyId, model: model.id, status, at: new Date().toISOString(), lines };
      await d.billing.record(event).catch((e: unknown) => d.log?.(`billing event ${responseId} not stored: ${String(e)}`));
      await d.quota.settle(admission, u.promptTokens + u.outputTokens, cost).catch(() => undefined);
      return lines;
    },
  };
}
