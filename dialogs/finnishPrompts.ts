import {
  ChoicePrompt,
  ConfirmPrompt,
  ListStyle,
  recognizeChoices,
  type Choice,
  type ChoiceFactoryOptions,
  type FindChoicesOptions,
  type FoundChoice,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidatorContext,
} from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import type { Locale } from '../services/locales/locale';
import type { MessageKey } from '../services/locales/messages';
import { normalizeFinnish } from '../services/understanding/interruptions';
import { deskContactLine } from './deskContact';

/** The culture every prompt runs in; the locale middleware sets it on each incoming activity. */
export const PROMPT_CULTURE = 'fi-fi';
// botbuilder falls back to 'en-us' defaults for a culture it does not know; that fallback must be Finnish too.
const FALLBACK_CULTURE = 'en-us';

function choiceOptions(locale: Locale): ChoiceFactoryOptions {
  const { t } = locale.messages;
  return { inlineSeparator: t('list.separator'), inlineOr: t('list.or'), inlineOrMore: t('list.or'), includeNumbers: true };
}

/**
 * Buttons for a prompt: only the labels, which is what a prompt keeps in the conversation's state. The words
 * that also pick a button (choices.json, and the button's number) are added when an answer is recognised.
 */
export function buildChoices(locale: Locale, keys: readonly MessageKey[]): Choice[] {
  return keys.map((key) => ({ value: locale.messages.t(key) }));
}

// botbuilder's number and ordinal recognizers are English-only and the costliest part of a turn; a button's
// number is matched as a plain synonym instead ("3"), which is all a resident types.
const RECOGNIZE_WORDS_ONLY: FindChoicesOptions = { recognizeNumbers: false, recognizeOrdinals: false };

/**
 * Recognises which button an answer picks: by its label, by a synonym from choices.json, and, when the
 * resident has seen the numbered buttons (`byNumber`), by the button's number.
 */
export function recognizeButton(locale: Locale, answer: string, choices: readonly Choice[], byNumber: boolean): FoundChoice | undefined {
  const synonymsByLabel = synonymIndex(locale);
  const searchable = choices.map((choice, index) => ({
    value: choice.value,
    synonyms: [...(synonymsByLabel.get(choice.value) ?? []), ...(byNumber ? [String(index + 1)] : [])],
  }));
  return recognizeChoices(answer, searchable, RECOGNIZE_WORDS_ONLY)[0]?.resolution;
}

/**
 * A button picked by the whole answer only: its label, a synonym or its number, and nothing more. For prompts
 * that also take the resident's own words, where "torstaina iltapäivällä" must not pick "Iltapäivällä".
 */
export function recognizeWholeButton(locale: Locale, answer: string, choices: readonly Choice[]): FoundChoice | undefined {
  const said = withoutFillers(normalizeFinnish(answer));
  const synonymsByLabel = synonymIndex(locale);
  for (const [index, choice] of choices.entries()) {
    const forms = [choice.value, ...(synonymsByLabel.get(choice.value) ?? []), String(index + 1)];
    const form = forms.find((candidate) => normalizeFinnish(candidate) === said);
    if (form !== undefined) return { index, value: choice.value, score: 1, synonym: form };
  }
  return undefined;
}

// Polite or hesitant words around a short answer: "no joo", "kyllä kiitos", "joo kai".
const FILLERS = new Set(['no', 'noh', 'kiitos', 'kiitti', 'kai', 'toki', 'vaan', 'vain']);
function withoutFillers(normalized: string): string {
  const words = normalized.split(' ');
  while (words.length > 1 && FILLERS.has(words[0]!)) words.shift();
  while (words.length > 1 && FILLERS.has(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}

const synonymIndexes = new WeakMap<Locale, Map<string, readonly string[]>>();
function synonymIndex(locale: Locale): Map<string, readonly string[]> {
  let index = synonymIndexes.get(locale);
  if (!index) {
    index = new Map(Object.entries(locale.choiceSynonyms).map(([key, words]) => [locale.messages.t(key as MessageKey), words]));
    synonymIndexes.set(locale, index);
  }
  return index;
}

/** botbuilder counts a prompt's attempts only when it has a validator: this one just passes the recognition on. */
function countAttempts<T>(prompt: PromptValidatorContext<T>): Promise<boolean> {
  return Promise.resolve(prompt.recognized.succeeded);
}

/**
 * From the second miss on, the retry prompt comes after a line that tells how to reach a person by phone.
 * It is sent here, just before the retry, and not from the validator: a prompt does not send its retry
 * prompt (question and buttons) in a turn that has already replied.
 */
async function offerPhoneAfterMisses(context: TurnContext, state: object, isRetry: boolean, locale: Locale): Promise<void> {
  const attempts = (state as { attemptCount?: number }).attemptCount ?? 0;
  if (isRetry && attempts >= 2) await context.sendActivity(deskContactLine(locale, 'prompt.tooManyTries'));
}

/** Marks a choice picked by free text (see `freeTextPicks`), not by a button, label, synonym or number. */
const FREE_TEXT = 'free text';
export const isFreeText = (found: FoundChoice): boolean => found.synonym === FREE_TEXT;

class FinnishChoicePrompt extends ChoicePrompt {
  constructor(
    id: string,
    private readonly deskLocale: Locale,
    private readonly freeTextPicks?: number,
    private readonly ownWords = false,
  ) {
    super(id, countAttempts<FoundChoice>, PROMPT_CULTURE, {
      [PROMPT_CULTURE]: choiceOptions(deskLocale),
      [FALLBACK_CULTURE]: choiceOptions(deskLocale),
    });
    this.style = ListStyle.suggestedAction;
  }

  protected override async onPrompt(context: TurnContext, state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    await offerPhoneAfterMisses(context, state, isRetry, this.deskLocale);
    await super.onPrompt(context, state, options, isRetry);
  }

  protected override async onRecognize(context: TurnContext, _state: object, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const answer = context.activity.text;
    const choices = (options.choices ?? []).map((choice) => (typeof choice === 'string' ? { value: choice } : choice));
    // Where the resident's own words are the answer, a button is picked only by the whole answer.
    const found = !answer ? undefined : this.ownWords ? recognizeWholeButton(this.deskLocale, answer, choices) : recognizeButton(this.deskLocale, answer, choices, true);
    if (found) return { succeeded: true, value: found };
    const picked = this.freeTextPicks === undefined ? undefined : choices[this.freeTextPicks];
    if (picked && answer && (this.ownWords ? /[\p{L}\p{N}]/u : /\p{L}/u).test(answer)) {
      return { succeeded: true, value: { index: this.freeTextPicks!, value: picked.value, score: 0, synonym: FREE_TEXT } };
    }
    return { succeeded: false };
  }
}

const CONFIRM_CHOICES: readonly MessageKey[] = ['confirm.yes', 'confirm.no'];

class FinnishConfirmPrompt extends ConfirmPrompt {
  constructor(
    id: string,
    private readonly deskLocale: Locale,
  ) {
    // Confirm choices are defaults of the prompt, not stored in state, so they carry their synonyms ("joo", "en").
    const choices = CONFIRM_CHOICES.map((key) => ({
      value: deskLocale.messages.t(key),
      synonyms: [...(deskLocale.choiceSynonyms[key] ?? [])],
    }));
    const defaults = { choices, options: choiceOptions(deskLocale) };
    super(id, countAttempts<boolean>, PROMPT_CULTURE, { [PROMPT_CULTURE]: defaults, [FALLBACK_CULTURE]: defaults });
    this.style = ListStyle.suggestedAction;
  }

  protected override async onPrompt(context: TurnContext, state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    await offerPhoneAfterMisses(context, state, isRetry, this.deskLocale);
    await super.onPrompt(context, state, options, isRetry);
  }

  /**
   * Finnish only: botbuilder's own check reads yes/no in English first, where "no joo" is a no. The whole
   * answer (fillers aside) must be "Kyllä"/"Ei", a synonym ("joo", "sopii", "ei haittaa") or the button's number.
   */
  protected override async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<boolean>> {
    const answer = context.activity.text;
    const found = answer ? recognizeWholeButton(this.deskLocale, answer, CONFIRM_CHOICES.map((key) => ({ value: this.deskLocale.messages.t(key) }))) : undefined;
    return found ? { succeeded: true, value: found.index === 0 } : { succeeded: false };
  }
}

/**
 * A ChoicePrompt that speaks Finnish ("a, b tai c") and shows its choices as buttons. With `freeTextPicks`,
 * an answer that picks no button but has words in it picks that choice (see `isFreeText`). With `ownWords`
 * (a time, a name: the buttons are shortcuts), a button is picked only by the whole answer, so that
 * "torstaina iltapäivällä" stays the resident's words, and digits alone count as words ("14.30").
 */
export function createChoicePrompt(id: string, locale: Locale, options: { freeTextPicks?: number; ownWords?: boolean } = {}): ChoicePrompt {
  return new FinnishChoicePrompt(id, locale, options.freeTextPicks, options.ownWords);
}

/** A ConfirmPrompt with Finnish yes/no buttons (confirm.yes, confirm.no) that also understands their synonyms. */
export function createConfirmPrompt(id: string, locale: Locale): ConfirmPrompt {
  return new FinnishConfirmPrompt(id, locale);
}
