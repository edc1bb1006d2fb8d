import type { TurnContext } from 'botbuilder';
import type { Triage, TriageResult } from '../services/triage/triage';

const ASSESSED = Symbol('triageOfThisTurn');

/**
 * The triage of a message, once per turn: the crisis check (bot/middleware/crisis.ts) and the dialogs ask
 * about the same message. It is kept in the turn, not in Triage, because other residents' turns run between
 * the two (while this one waits for Redis), and each would push a shared "last message" out.
 */
export function assessInTurn(context: TurnContext, triage: Triage, message: string): TriageResult {
  const known = context.turnState.get(ASSESSED) as { message: string; result: TriageResult } | undefined;
  if (known?.message === message) return known.result;
  const result = triage.assess(message);
  context.turnState.set(ASSESSED, { message, result });
  return result;
}
