import { ActivityTypes, ConversationState, MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import {
  DialogSet,
  DialogTurnStatus,
  ListStyle,
  WaterfallDialog,
  type Choice,
  type ChoicePrompt,
  type ConfirmPrompt,
  type DialogState,
  type FoundChoice,
} from 'botbuilder-dialogs';
import { buildChoices, createChoicePrompt, createConfirmPrompt } from '../../dialogs/finnishPrompts';
import { deskContactLine } from '../../dialogs/deskContact';
import { finnish } from '../support/botTestKit';

const locale = finnish();
const { t } = locale.messages;
const PROMPT = 'prompt';

/**
 * A one-question bot: asks with the prompt under test, then says what it understood as "tulos: …".
 * Each test gets its own adapter, storage and conversation.
 */
function promptBot(prompt: ConfirmPrompt | ChoicePrompt, options: { prompt: string; retryPrompt?: string; choices?: Choice[] }): TestAdapter {
  const conversationState = new ConversationState(new MemoryStorage());
  const dialogs = new DialogSet(conversationState.createProperty<DialogState>('dialogState'));
  dialogs.add(prompt);
  dialogs.add(
    new WaterfallDialog('flow', [
      async (step) => step.prompt(PROMPT, options),
      async (step) => {
        const result: unknown = step.result;
        const shown = typeof result === 'boolean' ? String(result) : (result as FoundChoice).value;
        await step.context.sendActivity(`tulos: ${shown}`);
        return step.endDialog();
      },
    ]),
  );
  return new TestAdapter(async (context) => {
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog('flow');
    await conversationState.saveChanges(context);
  });
}

/** A message as a client in the given locale sends it (the Bot Framework Emulator sends en-US). */
function said(text: string, activityLocale?: string): Partial<Activity> {
  return { type: ActivityTypes.Message, text, ...(activityLocale ? { locale: activityLocale } : {}) };
}

function buttonTitles(activity: Partial<Activity>): (string | undefined)[] {
  return activity.suggestedActions?.actions.map((action) => action.title) ?? [];
}

describe('createConfirmPrompt', () => {
  const question = 'Haluatko jatkaa?';
  const confirmBot = () => promptBot(createConfirmPrompt(PROMPT, locale), { prompt: question, retryPrompt: 'Vastaa kyllä tai ei.' });

  it.each([undefined, 'fi-FI', 'en-US'])('shows Finnish "Kyllä"/"Ei" buttons, not Yes/No (activity locale %s)', async (activityLocale) => {
    await confirmBot()
      .send(said('hei', activityLocale))
      .assertReply((reply) => {
        expect(reply.text).toBe(question);
        expect(buttonTitles(reply)).toEqual(['Kyllä', 'Ei']);
        expect(buttonTitles(reply)).not.toContain('Yes');
      })
      .startTest();
  });

  const answers: [string, boolean][] = [
    ['Kyllä', true],
    ['kyllä', true],
    ['Kylla', true],
    ['joo', true],
    ['Joo!', true],
    ['juu', true],
    ['Ei', false],
    ['ei', false],
    ['en', false],
    ['ei kiitos', false],
  ];
  for (const activityLocale of ['fi-FI', 'en-US']) {
    it.each(answers)(`understands "%s" as %s (activity locale ${activityLocale})`, async (answer, expected) => {
      await confirmBot()
        .send(said('hei', activityLocale))
        .assertReply(question)
        .send(said(answer, activityLocale))
        .assertReply(`tulos: ${expected}`)
        .startTest();
    });
  }

  it('re-asks an answer it does not understand, and from the second miss on also gives the phone number', async () => {
    await confirmBot()
      .send('hei')
      .assertReply(question)
      .send('ehkä')
      .assertReply((reply) => {
        expect(reply.text).toBe('Vastaa kyllä tai ei.');
        expect(buttonTitles(reply)).toEqual(['Kyllä', 'Ei']);
      })
      .send('mitähän')
      .assertReply(deskContactLine(locale, 'prompt.tooManyTries'))
      .assertReply('Vastaa kyllä tai ei.')
      .send('joo')
      .assertReply('tulos: true')
      .startTest();
  });
});

describe('createChoicePrompt', () => {
  const times: Choice[] = [{ value: 'Aamulla' }, { value: 'Päivällä' }, { value: 'Illalla' }];

  it.each([undefined, 'fi-FI', 'en-US'])('inline style lists the choices the Finnish way: "a, b tai c" (activity locale %s)', async (activityLocale) => {
    const prompt = createChoicePrompt(PROMPT, locale);
    prompt.style = ListStyle.inline;
    await promptBot(prompt, { prompt: 'Milloin sopii?', choices: times })
      .send(said('hei', activityLocale))
      .assertReply((reply) => {
        expect(reply.text).toBe('Milloin sopii? (1) Aamulla, (2) Päivällä tai (3) Illalla');
        expect(reply.text).not.toContain(' or ');
        expect(reply.suggestedActions).toBeUndefined();
      })
      .send(said('2', activityLocale))
      .assertReply('tulos: Päivällä')
      .startTest();
  });

  it('inline style with two choices says "a tai b"', async () => {
    const prompt = createChoicePrompt(PROMPT, locale);
    prompt.style = ListStyle.inline;
    await promptBot(prompt, { prompt: 'Kumpi?', choices: [{ value: 'Tämä' }, { value: 'Tuo' }] })
      .send('hei')
      .assertReply('Kumpi? (1) Tämä tai (2) Tuo')
      .startTest();
  });

  it('shows the labels as buttons by default, and the text is just the question', async () => {
    const keys = ['menu.choice.matter', 'menu.choice.callback', 'menu.choice.livingRoom', 'menu.choice.suggestion'] as const;
    await promptBot(createChoicePrompt(PROMPT, locale), { prompt: 'Valitse', choices: buildChoices(locale, keys) })
      .send(said('hei', 'en-US'))
      .assertReply((reply) => {
        expect(reply.text).toBe('Valitse');
        expect(buttonTitles(reply)).toEqual(keys.map((key) => t(key)));
        expect(reply.suggestedActions?.actions.map((action) => action.value)).toEqual(keys.map((key) => t(key)));
      })
      .startTest();
  });

  it('understands a button by its label, its number or a synonym from choices.json', async () => {
    const keys = ['menu.choice.matter', 'menu.choice.callback', 'menu.choice.livingRoom', 'menu.choice.suggestion'] as const;
    const ask = () => promptBot(createChoicePrompt(PROMPT, locale), { prompt: 'Valitse', choices: buildChoices(locale, keys) });
    await ask().send('hei').assertReply('Valitse').send(t('menu.choice.suggestion')).assertReply(`tulos: ${t('menu.choice.suggestion')}`).startTest();
    await ask().send('hei').assertReply('Valitse').send(said('3', 'en-US')).assertReply(`tulos: ${t('menu.choice.livingRoom')}`).startTest();
    await ask().send('hei').assertReply('Valitse').send('olkkari').assertReply(`tulos: ${t('menu.choice.livingRoom')}`).startTest();
  });
});
