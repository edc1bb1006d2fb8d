import { WaterfallDialog, type FoundChoice, type WaterfallStepContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import type { Locale } from '../services/locales/locale';
import type { MessageKey } from '../services/locales/messages';
import type { ServiceId } from '../services/directory/directory';
import type { Triage } from '../services/triage/triage';
import { normalizeFinnish } from '../services/understanding/interruptions';
import { buildChoices, createChoicePrompt, isFreeText, recognizeButton } from './finnishPrompts';
import { CallbackDialog, type CallbackDeps, type CallbackOptions } from './callbackDialog';
import { InterruptibleDialog, isAnswered, isCallbackRequest } from './interruptibleDialog';
import { LivingRoomDialog } from './livingRoomDialog';
import { SuggestionDialog, type SuggestionDeps } from './suggestionDialog';
import { TriageDialog, isTriageOutcome, type TriageOptions } from './triageDialog';
import { assessInTurn } from './turnTriage';

export const MAIN_DIALOG = 'main';
const MENU_PROMPT = 'main.menu';
const STEPS = 'main.steps';

/** The main menu's branches, in the order the buttons are shown. */
const MENU = [
  { branch: 'matter', label: 'menu.choice.matter' },
  { branch: 'callback', label: 'menu.choice.callback' },
  { branch: 'livingRoom', label: 'menu.choice.livingRoom' },
  { branch: 'suggestion', label: 'menu.choice.suggestion' },
] as const satisfies readonly { branch: string; label: MessageKey }[];
type Branch = (typeof MENU)[number]['branch'];
const MATTER = MENU.findIndex((item) => item.branch === 'matter');
/** Triage's label for the living room's own activities: the same place as the menu's living-room button. */
const LIVING_ROOM_SERVICE = 'olohuone' satisfies ServiceId;

export interface MainDialogOptions {
  /**
   * The menu opens on a message the resident wrote before seeing it (the conversation's first message, or
   * the first after an ending): that message may already name a branch. The text itself is read from the
   * turn, never kept in the dialog's state.
   */
  openedByMessage?: boolean;
  /** Asking again after a branch ended: menu.again instead of menu.prompt. */
  again?: boolean;
  /** "Soittakaa minulle" (or the urgent button of a crisis reply) was said in another dialog: straight to it. */
  callback?: { urgent: boolean };
}

export interface MainDialogDeps {
  clock: () => Date;
  triage: Triage;
  callbacks: Omit<CallbackDeps, 'clock'>;
  suggestions: Omit<SuggestionDeps, 'clock'>;
}

/** The main menu: tell your matter, ask for a callback, the living room, leave a suggestion. */
export class MainDialog extends InterruptibleDialog {
  private readonly triage: Triage;

  constructor(locale: Locale, { clock, triage, callbacks, suggestions }: MainDialogDeps) {
    super(MAIN_DIALOG, locale);
    this.triage = triage;
    // Whatever the resident writes at the menu that is not a button is their matter, in their own words.
    this.addDialog(createChoicePrompt(MENU_PROMPT, locale, { freeTextPicks: MATTER }));
    this.addDialog(new LivingRoomDialog(locale, clock));
    this.addDialog(new TriageDialog(locale, triage));
    this.addDialog(new CallbackDialog(locale, { ...callbacks, clock }));
    this.addDialog(new SuggestionDialog(locale, { ...suggestions, clock }));
    this.addDialog(new WaterfallDialog(STEPS, [this.askBranch, this.openBranch, this.followUp, this.loop]));
    this.initialDialogId = STEPS;
  }

  private readonly askBranch = async (step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> => {
    if (step.options.callback) return step.beginDialog(CallbackDialog.id, { urgent: step.options.callback.urgent } satisfies CallbackOptions);
    const choices = buildChoices(this.locale, MENU.map((item) => item.label));
    const firstMessage = step.options.openedByMessage ? step.context.activity.text : undefined;
    if (firstMessage) {
      // An opening "apua" or "haluun puhua ihmiselle" is answered before the menu is shown.
      const interruption = this.interruptionIn(step.context);
      if (interruption && isCallbackRequest(interruption)) {
        return step.beginDialog(CallbackDialog.id, { urgent: interruption === 'urgentCallback' } satisfies CallbackOptions);
      }
      if (interruption && isAnswered(interruption)) {
        await this.answer(step.context, interruption);
      } else {
        // Only by a label or a synonym: the resident has not seen the menu yet, so a number ("Kela ei ole
        // maksanut 2 kuukauteen") is not a button's number.
        const found = recognizeButton(this.locale, firstMessage, choices, false);
        if (found && !this.isMatterAfterAll(step.context, firstMessage, found)) return step.next(found);
        if (!this.interruptions.isGreeting(firstMessage) && /\p{L}/u.test(firstMessage)) {
          return step.beginDialog(TriageDialog.id, { matter: firstMessage } satisfies TriageOptions);
        }
      }
    }
    const { t } = this.locale.messages;
    return step.prompt(MENU_PROMPT, {
      prompt: t(step.options.again ? 'menu.again' : 'menu.prompt'),
      retryPrompt: t('menu.retry'),
      choices,
    });
  };

  private readonly openBranch = async (step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> => {
    // The opening message went straight to triage or a callback, which has ended: its outcome goes on.
    if (!isFoundChoice(step.result)) return step.next(step.result);
    const chosen = step.result;
    const typedAtMenu = step.context.activity.text ?? '';
    if (!isFreeText(chosen) && this.isMatterAfterAll(step.context, typedAtMenu, chosen)) {
      return step.beginDialog(TriageDialog.id, { matter: typedAtMenu } satisfies TriageOptions);
    }
    const branch: Branch = MENU[chosen.index]!.branch;
    switch (branch) {
      case 'livingRoom':
        return step.beginDialog(LivingRoomDialog.id);
      case 'matter': {
        const typed = step.context.activity.text ?? '';
        // "moi" at the menu is a greeting, not a matter: show the menu again.
        if (isFreeText(chosen) && this.interruptions.isGreeting(typed)) return step.replaceDialog(STEPS, {} satisfies MainDialogOptions);
        // A bare "kyllä" or "ei" is an answer to a question already gone (a double-tapped confirmation), not a matter.
        if (isFreeText(chosen) && isYesOrNo(this.locale, typed)) return step.replaceDialog(STEPS, { again: true } satisfies MainDialogOptions);
        // The button, its number or a synonym alone asks for the matter; anything more already tells it
        // ("tarviin apua paperiasioissa"), and the resident is not asked again.
        const onlyTheButton = !isFreeText(chosen) && isOnlyTheButton(typed, chosen);
        return step.beginDialog(TriageDialog.id, { matter: onlyTheButton ? undefined : typed } satisfies TriageOptions);
      }
      case 'callback':
        return step.beginDialog(CallbackDialog.id, {} satisfies CallbackOptions);
      case 'suggestion':
        return step.beginDialog(SuggestionDialog.id);
    }
  };

  /** "Pyydä soittoa" after triage: the callback dialog, with the matter already told. */
  private readonly followUp = async (step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> => {
    const outcome = step.result;
    if (isTriageOutcome(outcome) && outcome.callback) return step.beginDialog(CallbackDialog.id, outcome.callback satisfies CallbackOptions);
    return step.next();
  };

  /**
   * A button's word inside a longer message picks that button only when the message is not plainly about
   * another service: "onko kelan toimisto auki huomenna" holds the living room's "auki" and "kela ei soita
   * takaisin" the callback's "soita", yet both are Kela matters. Triage decides, as it would for any matter.
   */
  private isMatterAfterAll(context: TurnContext, typed: string, found: FoundChoice): boolean {
    if (MENU[found.index]?.branch === 'matter') return false;
    if (isOnlyTheButton(typed, found)) return false;
    const { crisis, confident, top } = assessInTurn(context, this.triage, typed);
    return crisis === undefined && confident && top.label !== LIVING_ROOM_SERVICE;
  }

  private readonly loop = async (step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> =>
    step.replaceDialog(STEPS, { again: true } satisfies MainDialogOptions);
}

/** The answer is the button itself: its number, its label or the one synonym that matched, and nothing more. */
function isOnlyTheButton(typed: string, found: FoundChoice): boolean {
  return /^\d+$/.test(typed.trim()) || normalizeFinnish(typed) === normalizeFinnish(found.synonym ?? found.value);
}

function isYesOrNo(locale: Locale, typed: string): boolean {
  const words = (['confirm.yes', 'confirm.no'] as const).flatMap((key) => [locale.messages.t(key), ...(locale.choiceSynonyms[key] ?? [])]);
  return words.some((word) => normalizeFinnish(word) === normalizeFinnish(typed));
}

function isFoundChoice(value: unknown): value is FoundChoice {
  return typeof value === 'object' && value !== null && typeof (value as FoundChoice).index === 'number' && typeof (value as FoundChoice).value === 'string';
}
