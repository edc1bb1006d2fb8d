import type { Activity } from 'botbuilder';
import type { ServiceId } from '../../services/directory/directory';
import { Triage } from '../../services/triage/triage';
import { finnish, message, startBot, type RunningBot } from '../support/botTestKit';

const locale = finnish();
const { t } = locale.messages;
const cardTitle = (replies: Partial<Activity>[]) => (replies.flatMap((reply) => reply.attachments ?? [])[0]?.content as { title?: string } | undefined)?.title;

// Matters of different services, told at the menu by residents who all write at the same moment.
const MATTERS: { text: string; service: ServiceId }[] = [
  { text: 'Kela ei ole vielä maksanut asumistukea tälle kuulle', service: 'kela' },
  { text: 'minulla on paljon velkoja ja perintäkirjeitä tulee koko ajan', service: 'talous' },
  { text: 'miten ilmoittaudun työnhakijaksi työkkäriin', service: 'tyollisyys' },
  { text: 'en osaa käyttää verkkopankkitunnuksia', service: 'digituki' },
  { text: 'vuokranantaja irtisanoi asuntoni ja tarvitsen uuden asunnon', service: 'asuminen' },
];

describe('the triage of a turn', () => {
  let bot: RunningBot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(async () => {
    await bot.stop();
  });
  afterEach(() => jest.restoreAllMocks());

  it('is worked out once for the crisis check and the dialogs together', async () => {
    await bot.send(message('triage-once', 'hei'));
    const assessed = jest.spyOn(Triage.prototype, 'assess');
    const { replies } = await bot.send(message('triage-once', MATTERS[0]!.text));
    expect(replies.map((reply) => reply.text)).toContain(t('triage.found'));
    expect(assessed).toHaveBeenCalledTimes(1);
  });

  it('belongs to its own resident when several write at once', async () => {
    const names = MATTERS.map((_, index) => `triage-together-${index}`);
    await Promise.all(names.map((name) => bot.send(message(name, 'hei'))));
    const answers = await Promise.all(MATTERS.map((matter, index) => bot.send(message(names[index]!, matter.text))));
    expect(answers.map(({ replies }) => cardTitle(replies))).toEqual(MATTERS.map((matter) => locale.services.get(matter.service).name));
  });
});
