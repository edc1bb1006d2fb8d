import { ComponentDialog, type DialogContext, type DialogTurnResult, Dialog } from 'botbuilder-dialogs';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Locale } from '../services/locales/locale';
import { InterruptionRecognizer, type Interruption } from '../services/understanding/interruptions';
import { deskContactLine } from './deskContact';

/** What an interruption that ended the dialogs asks the runner to do next. */
export type AfterInterruption = 'restart' | 'cancel' | 'quit';
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
  private readonly interruptions: InterruptionRecognizer;

  protected constructor(
    id: string,
    protected readonly locale: Locale,
  ) {
    super(id);
    this.interruptions = new InterruptionRecognizer(locale.interruptions);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = innerDc.context;
    if (activity.type === ActivityTypes.Message && typeof activity.text === 'string') {
      const interruption = this.interruptions.recognize(activity.text);
      if (interruption) return this.interrupt(innerDc, interruption);
    }
    return super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext, interruption: Interruption): Promise<DialogTurnResult> {
    const { t } = this.locale.messages;
    const say = (...lines: string[]) => innerDc.context.sendActivities(lines.map((text) => ({ type: ActivityTypes.Message, text })));
    switch (interruption) {
      case 'help':
        await say(t('help.intro'), t('help.commands'));
        return this.askAgain(innerDc);
      case 'human':
        await say(t('human.intro'), deskContactLine(this.locale));
        return this.askAgain(innerDc);
      case 'callback':
        // Callback requests are filed here once that dialog exists (issue 4); until then, the phone number.
        await say(t('callback.notYetAvailable'), deskContactLine(this.locale));
        return this.askAgain(innerDc);
      case 'restart':
        await say(t('restart.done'));
        return this.endAll(innerDc, 'restart');
      case 'cancel':
        await say(t('cancel.done'));
        return this.endAll(innerDc, 'cancel');
      case 'quit':
        await say(t('quit.done'));
        return this.endAll(innerDc, 'quit');
    }
  }

  private async askAgain(innerDc: DialogContext): Promise<DialogTurnResult> {
    await innerDc.repromptDialog();
    return Dialog.EndOfTurn;
  }

  private async endAll(innerDc: DialogContext, next: AfterInterruption): Promise<DialogTurnResult> {
    innerDc.context.turnState.set(AFTER_INTERRUPTION, next);
    return innerDc.cancelAllDialogs(true);
  }
}
