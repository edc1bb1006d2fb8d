import type { Activity } from 'botbuilder';
import type Redis from 'ioredis';
import { CallbackStore } from '../../services/callbacks/callbackStore';
import { CALLBACK_REF } from '../../services/callbacks/request';
import { SuggestionStore } from '../../services/suggestions/suggestionStore';
import { callbackWindow, formatCallbackWindow } from '../../services/time/callbackWindow';
import { connectTestRedis, connectUnreachableRedis, deleteKeysWithPrefix, uniquePrefix } from '../support/testRedis';
import { DESK_LINE, NOW, OFFICE_HOURS, RETENTION_DAYS, asks, locale, mainMenu, saidNothingMore, t, testBot, welcomed, type TestBot } from './conversationKit';

const YES_NO = [t('confirm.yes'), t('confirm.no')];
const TIME_BUTTONS = [t('callback.choice.asap'), t('callback.choice.lateMorning'), t('callback.choice.afternoon'), t('callback.choice.any')];
const CONSENT = t('callback.consent', { days: String(RETENTION_DAYS) });
const windowText = (request: Parameters<typeof callbackWindow>[0]) => formatCallbackWindow(callbackWindow(request, NOW, OFFICE_HOURS), locale.time);

let redis: Redis;
let prefix: string;
let store: CallbackStore;

beforeAll(() => {
  redis = connectTestRedis();
});
beforeEach(() => {
  prefix = uniquePrefix('callback-dialog');
  store = new CallbackStore(redis, { prefix, retentionDays: RETENTION_DAYS });
});
afterEach(async () => deleteKeysWithPrefix(redis, prefix));
afterAll(async () => {
  await redis.quit();
});

/** The reference in a "saved" reply, checked against the stored format. */
function referenceIn(reply: Partial<Activity>): string {
  const ref = /AKA-\d{4}-\d+/.exec(reply.text ?? '')?.[0] ?? '';
  expect(ref).toMatch(CALLBACK_REF);
  expect(reply.text).toBe(t('callback.saved', { ref }));
  return ref;
}

/** From the main menu's button to the phone question, with the matter told. */
function startedWith(bot: TestBot, matter: string) {
  return welcomed(bot).send(t('menu.choice.callback')).assertReply(t('callback.intro')).assertReply(t('callback.askMatter')).send(matter);
}

/** The name skipped, consent given, and the reference handed to `onSaved`. */
function skipNameAndConsent(flow: ReturnType<typeof welcomed>, onSaved: (ref: string) => void) {
  return flow
    .assertReply(asks(t('callback.askName'), [t('callback.choice.skipName')]))
    .send('Ohita')
    .assertReply(CONSENT)
    .assertReply(() => undefined)
    .send('kyllä')
    .assertReply((reply) => onSaved(referenceIn(reply)));
}

/** From the phone question to the consent, with the answers given. */
function phoneToConsent(flow: ReturnType<typeof welcomed>, answers: { phone: string; shown: string; time: string; name: string }) {
  return flow
    .send(answers.phone)
    .assertReply(asks(t('callback.confirmPhone', { phone: answers.shown }), YES_NO))
    .send('kyllä')
    .assertReply(asks(t('callback.askTime'), TIME_BUTTONS))
    .send(answers.time)
    .assertReply(asks(t('callback.askName'), [t('callback.choice.skipName')]))
    .send(answers.name)
    .assertReply(CONSENT)
    .assertReply(asks(t('callback.consentQuestion'), YES_NO));
}

describe('a callback request, in place of the suggestion box', () => {
  it('is filed in friendly steps, stored in Redis, and confirmed with a reference and the window', async () => {
    const bot = testBot({ callbacks: store });
    let ref = '';
    await phoneToConsent(
      startedWith(bot, 'kelan päätös on epäselvä').assertReply(t('callback.askPhone')),
      { phone: '040-1234567', shown: '040 123 4567', time: 'huomenna kello 10', name: 'Aino' },
    )
      .send(t('confirm.yes'))
      .assertReply((reply) => {
        ref = referenceIn(reply);
      })
      .assertReply(t('callback.window', { window: 'keskiviikkona 25.11. klo 10–10.30' }))
      .assertReply(mainMenu('menu.again'))
      // A double-tapped "Kyllä" arrives after the request was filed: it files nothing more and is no matter.
      .send(t('confirm.yes'))
      .assertReply(mainMenu('menu.again'))
      .then(saidNothingMore(bot))
      .startTest();

    const stored = await store.get(ref);
    expect(stored).toMatchObject({
      ref,
      status: 'new',
      service: null,
      summary: 'kelan päätös on epäselvä',
      phone: '+358401234567',
      preferredTime: { said: 'huomenna kello 10', kind: 'time' },
      window: { start: new Date('2026-11-25T10:00:00+02:00').toISOString(), end: new Date('2026-11-25T10:30:00+02:00').toISOString() },
      urgent: false,
      firstName: 'Aino',
      language: 'fi',
      channel: 'test',
    });
    expect(await store.queue()).toEqual([ref]);
  });

  it('carries the matter and the service from triage, so the resident is not asked again', async () => {
    const bot = testBot({ callbacks: store });
    let ref = '';
    await phoneToConsent(
      welcomed(bot)
        .send('kela ei oo maksanu toimeentulotukea')
        .assertReply(t('triage.found'))
        .assertReply(() => undefined)
        .assertReply(() => undefined)
        .send(t('triage.choice.callback'))
        .assertReply(t('callback.intro'))
        .assertReply(t('callback.askPhone')),
      { phone: '+358 40 123 4567', shown: '040 123 4567', time: t('callback.choice.asap'), name: t('callback.choice.skipName') },
    )
      .send('joo')
      .assertReply((reply) => {
        ref = referenceIn(reply);
      })
      .assertReply(t('callback.window', { window: windowText({ kind: 'asap' }) }))
      .startTest();

    const stored = await store.get(ref);
    expect(stored).toMatchObject({ service: 'kela', summary: 'kela ei oo maksanu toimeentulotukea', preferredTime: { kind: 'asap' } });
    expect(stored?.firstName).toBeUndefined();
  });

  it('takes a corrected number when the read-back is wrong', async () => {
    const bot = testBot({ callbacks: store });
    await welcomed(bot)
      .send('soittakaa minulle')
      .assertReply(t('callback.intro'))
      .assertReply(t('callback.askMatter'))
      .send('velat')
      .assertReply(t('callback.askPhone'))
      .send('0401234567')
      .assertReply(asks(t('callback.confirmPhone', { phone: '040 123 4567' }), YES_NO))
      .send(t('confirm.no'))
      .assertReply(t('callback.askPhoneAgain'))
      .send('09 2525 0111')
      .assertReply(asks(t('callback.confirmPhone', { phone: '09 2525 0111' }), YES_NO))
      .send(t('confirm.yes'))
      .assertReply(asks(t('callback.askTime'), TIME_BUTTONS))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('gives the desk\'s number after three numbers that are not numbers, and files nothing', async () => {
    const bot = testBot({ callbacks: store });
    await startedWith(bot, 'asunto')
      .assertReply(t('callback.askPhone'))
      .send('en muista')
      .assertReply(t('callback.phoneRetry'))
      .send('12345')
      .assertReply(t('callback.phoneRetry'))
      .send('040 123')
      .assertReply(t('callback.phoneGiveUp'))
      .assertReply(DESK_LINE)
      .assertReply(mainMenu('menu.again'))
      .then(saidNothingMore(bot))
      .startTest();
    expect(await store.queue()).toEqual([]);
  });

  it('asks the time once more when it is not understood, then keeps the words for staff', async () => {
    const bot = testBot({ callbacks: store });
    let ref = '';
    await skipNameAndConsent(
      startedWith(bot, 'työkkäri')
        .assertReply(t('callback.askPhone'))
        .send('040 123 4567')
        .assertReply(() => undefined)
        .send('kyllä')
        .assertReply(asks(t('callback.askTime'), TIME_BUTTONS))
        .send('kun lapset on koulussa')
        .assertReply(asks(t('callback.timeRetry'), TIME_BUTTONS))
        .send('sillon kun sopii teille'),
      (saved) => (ref = saved),
    )
      .assertReply(t('callback.window', { window: windowText({ kind: 'none' }) }))
      .startTest();
    expect((await store.get(ref))?.preferredTime).toEqual({ said: 'sillon kun sopii teille', kind: 'none' });
  });

  it('stores nothing when the resident does not consent', async () => {
    const bot = testBot({ callbacks: store });
    await phoneToConsent(
      startedWith(bot, 'sossu').assertReply(t('callback.askPhone')),
      { phone: '040 123 4567', shown: '040 123 4567', time: 'milloin vain', name: 'Ohita' },
    )
      .send(t('confirm.no'))
      .assertReply(t('callback.notSaved'))
      .assertReply(DESK_LINE)
      .assertReply(mainMenu('menu.again'))
      .startTest();
    expect(await store.queue()).toEqual([]);
  });

  it('never shows a reference when the request could not be stored: an apology and the desk\'s number', async () => {
    const unreachable = connectUnreachableRedis();
    try {
      const bot = testBot({ callbacks: new CallbackStore(unreachable, { prefix }) });
      await phoneToConsent(
        startedWith(bot, 'velat').assertReply(t('callback.askPhone')),
        { phone: '040 123 4567', shown: '040 123 4567', time: 'heti', name: 'Ohita' },
      )
        .send(t('confirm.yes'))
        .assertReply(t('callback.failed'))
        .assertReply(DESK_LINE)
        .assertReply(mainMenu('menu.again'))
        .then(saidNothingMore(bot))
        .startTest();
    } finally {
      unreachable.disconnect();
    }
  });

  it('is urgent from the button of a crisis reply: first in the queue, no question of when, and 112 repeated', async () => {
    const bot = testBot({ callbacks: store });
    const earlier = await store.create(
      {
        service: null,
        summary: 'ei kiire',
        phone: '+358401111111',
        preferredTime: { said: 'milloin vain', kind: 'any' },
        window: { start: NOW.toISOString(), end: NOW.toISOString() },
        urgent: false,
        language: 'fi',
        channel: 'test',
      },
      { idempotencyKey: 'earlier', now: new Date(NOW.getTime() - 60_000) },
    );
    let ref = '';
    await skipNameAndConsent(
      welcomed(bot)
        .send(t('crisis.choice.urgentCallback'))
        .assertReply(t('callback.urgentIntro'))
        .assertReply(t('callback.askMatter'))
        .send('pelottaa olla yksin')
        .assertReply(t('callback.askPhone'))
        .send('040 765 4321')
        .assertReply(() => undefined)
        .send('kyllä'),
      (saved) => (ref = saved),
    )
      .assertReply(t('callback.window', { window: windowText({ kind: 'asap' }) }))
      .assertReply(t('callback.urgentNote', { phone: locale.urgent.get('hatanumero')!.phone }))
      .startTest();
    expect((await store.get(ref))?.urgent).toBe(true);
    expect(await store.queue()).toEqual([ref, earlier.ref]);
  });

  it('masks an account number in the matter, says so, and stores it masked', async () => {
    const bot = testBot({ callbacks: store });
    let ref = '';
    await phoneToConsent(
      startedWith(bot, 'ulosotto vie rahat tililtä FI49 5000 9420 0287 30')
        .assertReply(t('privacy.sensitiveRemoved'))
        .assertReply(t('callback.askPhone')),
      { phone: '040 123 4567', shown: '040 123 4567', time: 'heti', name: 'Ohita' },
    )
      .send(t('confirm.yes'))
      .assertReply((reply) => {
        ref = referenceIn(reply);
      })
      .startTest();
    const summary = (await store.get(ref))?.summary ?? '';
    expect(summary).not.toContain('5000 9420');
    expect(summary).toContain('[iban]');
  });

  it('tells the resident when a long matter is kept only in part', async () => {
    const bot = testBot({ callbacks: store });
    await startedWith(bot, 'velat '.repeat(100).trim())
      .assertReply(t('callback.summaryShortened'))
      .assertReply(t('callback.askPhone'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('"alusta" mid-way starts again and files nothing', async () => {
    const bot = testBot({ callbacks: store });
    await startedWith(bot, 'velat')
      .assertReply(t('callback.askPhone'))
      .send('alusta')
      .assertReply(t('restart.done'))
      .assertReply(mainMenu())
      .then(saidNothingMore(bot))
      .startTest();
    expect(await store.queue()).toEqual([]);
  });

  it('"soittakaa minulle" inside the callback dialog asks the same question again, and starts nothing new', async () => {
    const bot = testBot({ callbacks: store });
    await startedWith(bot, 'velat')
      .assertReply(t('callback.askPhone'))
      .send('soittakaa minulle')
      .assertReply(t('callback.askPhone'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('the crisis reply\'s urgent button during a request makes that request urgent, keeping what was told', async () => {
    const bot = testBot({ callbacks: store });
    let ref = '';
    await skipNameAndConsent(
      startedWith(bot, 'vuokra on rästissä')
        .assertReply(t('callback.askPhone'))
        .send(t('crisis.choice.urgentCallback'))
        .assertReply(t('callback.nowUrgent'))
        .assertReply(t('callback.askPhone'))
        .send('040 123 4567')
        .assertReply(() => undefined)
        .send('kyllä'),
      (saved) => (ref = saved),
    )
      .assertReply(t('callback.window', { window: windowText({ kind: 'asap' }) }))
      .assertReply(t('callback.urgentNote', { phone: locale.urgent.get('hatanumero')!.phone }))
      .startTest();
    expect(await store.get(ref)).toMatchObject({ urgent: true, summary: 'vuokra on rästissä' });
  });

  it('keeps a time in the resident\'s own words even when it contains a button\'s word', async () => {
    const bot = testBot({ callbacks: store });
    let ref = '';
    await skipNameAndConsent(
      startedWith(bot, 'velat')
        .assertReply(t('callback.askPhone'))
        .send('040 123 4567')
        .assertReply(() => undefined)
        .send('kyllä')
        .assertReply(asks(t('callback.askTime'), TIME_BUTTONS))
        .send('torstaina iltapäivällä'),
      (saved) => (ref = saved),
    )
      .assertReply(t('callback.window', { window: 'torstaina 26.11. klo 12–15' }))
      .startTest();
    expect((await store.get(ref))?.preferredTime).toEqual({ said: 'torstaina iltapäivällä', kind: 'time' });
  });

  it.each(['no joo', 'sopii', 'joo kiitos', 'ei haittaa'])('takes "%s" as yes to the consent question', async (answer) => {
    const bot = testBot({ callbacks: store });
    await phoneToConsent(startedWith(bot, 'velat').assertReply(t('callback.askPhone')), { phone: '040 123 4567', shown: '040 123 4567', time: 'heti', name: 'ei' })
      .send(answer)
      .assertReply((reply) => {
        referenceIn(reply);
      })
      .startTest();
    const [ref] = await store.queue();
    // "ei" to the name question skips it: no one is called "ei".
    expect((await store.get(ref!))?.firstName).toBeUndefined();
  });
});

describe('a suggestion for the living room (Jätä aloite)', () => {
  let suggestions: SuggestionStore;
  beforeEach(() => {
    suggestions = new SuggestionStore(redis, { prefix });
  });

  it('is stored anonymously and thanked for', async () => {
    const bot: TestBot = testBot({ suggestions });
    await welcomed(bot)
      .send(t('menu.choice.suggestion'))
      .assertReply(t('suggestion.ask'))
      .send('Lautapeli-ilta torstaisin olisi kiva')
      .assertReply(t('suggestion.saved'))
      .assertReply(mainMenu('menu.again'))
      .then(saidNothingMore(bot))
      .startTest();
    const [stored] = await suggestions.list();
    expect(stored).toMatchObject({ text: 'Lautapeli-ilta torstaisin olisi kiva', channel: 'test', read: false });
    expect(Object.keys(stored!).sort()).toEqual(['channel', 'createdAt', 'id', 'read', 'text']);
  });

  it('apologises and files nothing it cannot store', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send('aloite')
      .assertReply(t('suggestion.ask'))
      .send('retki Ouluun')
      .assertReply(t('suggestion.failed'))
      .assertReply(DESK_LINE)
      .assertReply(mainMenu('menu.again'))
      .startTest();
  });
});
