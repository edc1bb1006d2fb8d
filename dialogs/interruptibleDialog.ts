import { ComponentDialog, type DialogContext, type DialogTurnResult, Dialog } from 'botbuilder-dialogs';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Locale } from '../services/locales/locale';
import { InterruptionRecognizer, type Interruption } from '../services/understanding/interruptions';
import { deskContactLine } from './deskContact';

/** What an interruption that ended the dialogs asks the runner to do next. */
export type AfterInterruption = Exclude<Interruption, AnsweredInterruption>;
export type AnsweredInterruption = 'help' | 'human';
export function isAnswered(interruption: Interruption): interruption is AnsweredInterruption {
  return interruption === 'help' || interruption === 'human';
}
export function isCallbackRequest(interruption: Interruption): interruption is 'callback' | 'urgentCallback' {
  return interruption === 'callback' || interruption === 'urgentCallback';
}

/** The callback dialog's id: while it runs, "soittakaa minulle" does not start another request. */
export const CALLBACK_DIALOG = 'callback';

/** What the callback dialog keeps in its own instance state, where the dialogs around it can see it. */
export interface CallbackState {
  urgent?: boolean;
}
const AFTER_INTERRUPTION = Symbol('afterInterruption');

export function afterInterruption(context: TurnContext): AfterInterruption | undefined {
  return context.turnState.get(AFTER_INTERRUPTION) as AfterInterruption | undefined;
}

/**
 * Base class for every dialog: whatever a dialog is asking, the resident can ask for help, start again,
 * cancel, end, or ask for a person. The outermost such dialog on the stack handles the message, so it is
 * handled once; help and "a person" re-ask the current question, the others end the dialogs.
 */
export abstract class InterruptibleDialog extends ComponentDialog {
  protected readonly interruptions: InterruptionRecognizer;

  protected constructor(
    id: string,
    protected readonly locale: Locale,
  ) {
    super(id);
    this.interruptions = new InterruptionRecognizer(locale.interruptions);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interruption = this.interruptionIn(innerDc.context);
    const callback = innerDc.activeDialog?.id === CALLBACK_DIALOG ? innerDc.activeDialog : undefined;
    if (interruption && callback && isCallbackRequest(interruption)) {
      // A request is being made already: "soittakaa minulle" asks the same question again, and the crisis
      // reply's urgent button marks this request urgent rather than starting over.
      const state = callback.state as CallbackState;
      if (interruption === 'urgentCallback' && !state.urgent) {
        state.urgent = true;
        await innerDc.context.sendActivity(this.locale.messages.t('callback.nowUrgent'));
      }
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    if (interruption) return this.interrupt(innerDc, interruption);
    return super.onContinueDialog(innerDc);
  }

  /** The interruption a message of the resident asks for, if any. */
  protected interruptionIn(context: TurnContext): Interruption | undefined {
    const { activity } = context;
    if (activity.type !== ActivityTypes.Message || typeof activity.text !== 'string') return undefined;
    return this.interruptions.recognize(activity.text);
  }

  /** Help and a person are answered, and then the same question is asked again. */
  protected async answer(context: TurnContext, interruption: AnsweredInterruption): Promise<void> {
    const { t } = this.locale.messages;
    const lines: Record<AnsweredInterruption, string[]> = {
      help: [t('help.intro'), t('help.commands')],
      human: [t('human.intro'), deskContactLine(this.locale)],
    };
    await context.sendActivities(lines[interruption].map((text) => ({ type: ActivityTypes.Message, text })));
  }

  private async interrupt(innerDc: DialogContext, interruption: Interruption): Promise<DialogTurnResult> {
    if (isAnswered(interruption)) {
      await this.answer(innerDc.context, interruption);
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    const { t } = this.locale.messages;
    // A callback request needs no farewell: the callback dialog introduces itself.
    const farewell: Partial<Record<AfterInterruption, string>> = { restart: t('restart.done'), cancel: t('cancel.done'), quit: t('quit.done') };
    const said = farewell[interruption];
    if (said) await innerDc.context.sendActivity(said);
    innerDc.context.turnState.set(AFTER_INTERRUPTION, interruption);
    return innerDc.cancelAllDialogs(true);
  }
}
