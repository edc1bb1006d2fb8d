import { ActivityTypes, MessageFactory, type Middleware, type TurnContext } from 'botbuilder';
import { crisisReply, safetyNote } from '../../dialogs/crisisReply';
import { assessInTurn } from '../../dialogs/turnTriage';
import type { Locale } from '../../services/locales/locale';
import type { Logger } from '../../services/logging/logger';
import type { CountedCrisisKind } from '../../services/callbacks/stats';
import type { Triage } from '../../services/triage/triage';

/**
 * Safety first: every message is checked for a crisis before anything else, in every dialog. The answer
 * (112, the crisis helpline, the Poison Information Centre for poisoning, the desk) is sent at once and the
 * turn goes no further, so the dialog in progress waits where it was. A weaker sign adds a short safety note
 * and lets the turn go on. It runs before the turn lock and touches no state, so it answers even while Redis
 * is down.
 */
export class CrisisMiddleware implements Middleware {
  constructor(
    private readonly triage: Triage,
    private readonly locale: Locale,
    private readonly logger: Logger,
    /** Counts the reply for the anonymous statistics (kind and week only); never awaited by the reply. */
    private readonly countReply?: (kind: CountedCrisisKind) => Promise<void>,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    if (activity.type === ActivityTypes.Message && typeof activity.text === 'string') {
      const { crisis, caution } = assessInTurn(context, this.triage, activity.text);
      if (caution) {
        // Some sign of a crisis, not enough to stop: the safety note first, then the matter as usual.
        this.logger.info({ channelId: activity.channelId }, 'safety note shown');
        await context.sendActivities(safetyNote(this.locale).map((text) => ({ type: ActivityTypes.Message, text })));
      }
      if (crisis) {
        // Only the kind is logged, never the words: health data is a special category.
        this.logger.info({ crisis, channelId: activity.channelId }, 'crisis reply shown');
        // Counting must never delay or break the reply: Redis may be the very thing that is down.
        this.countReply?.(crisis).catch((error: unknown) => this.logger.warn({ err: error }, 'crisis reply not counted'));
        const lines = crisisReply(this.locale, crisis);
        // The last line carries the offer of an urgent callback as a button (or typed: "kiireellinen soitto").
        const urgentCallback = this.locale.messages.t('crisis.choice.urgentCallback');
        await context.sendActivities([
          ...lines.slice(0, -1).map((text) => ({ type: ActivityTypes.Message, text })),
          MessageFactory.suggestedActions([urgentCallback], lines[lines.length - 1]),
        ]);
        return;
      }
    }
    return next();
  }
}
