import { Writable } from 'node:stream';
import { MASK, maskDeep, maskForLog, maskPersonalIdentityCodes } from '../../services/privacy/mask';
import { createLogger } from '../../services/logging/logger';

describe('personal identity codes (henkilötunnus)', () => {
  it.each([
    '131052-308T',
    '010101A123N',
    '010594Y9032',
    '290200+123X',
    '311299-999Y',
    '010203B234P',
    '131052-308t',
    '131052 - 308T'.replace(/ /g, ''),
  ])('finds and masks %s', (code) => {
    const text = `Mun hetu on ${code}, auttakaa`;
    expect(maskPersonalIdentityCodes(text)).toBe(`Mun hetu on ${MASK.personalId}, auttakaa`);
  });

  it('masks every code in a message, and leaves the rest as typed', () => {
    expect(maskPersonalIdentityCodes('131052-308T ja 010101A123N.')).toBe(`${MASK.personalId} ja ${MASK.personalId}.`);
  });

  it.each(['Soita 040 123 4567', 'Kela maksoi 3.12.2026 summan 131052', '13105-2308T', '321252-308T', '131352-308T', 'tilinumero FI21 1234 5600 0007 85'])(
    'does not take %s for an identity code',
    (text) => {
      expect(maskPersonalIdentityCodes(text)).toBe(text);
    },
  );
});

describe('masking for logs', () => {
  it('masks identity codes, phone numbers and e-mail addresses', () => {
    const line = maskForLog('hetu 131052-308T, puh. 040 123 4567 tai +358 40 123 4567, posti maija.meikalainen@example.fi');
    expect(line).toBe(`hetu ${MASK.personalId}, puh. ${MASK.phone} tai ${MASK.phone}, posti ${MASK.email}`);
  });

  it('masks a phone number at the end of a sentence', () => {
    expect(maskForLog('Soita numeroon 0401234567. Kiitos!')).toBe(`Soita numeroon ${MASK.phone}. Kiitos!`);
    expect(maskForLog('(040-123 4567)')).toBe(`(${MASK.phone})`);
  });

  it('keeps short numbers such as times, dates and counts', () => {
    expect(maskForLog('klo 14.30, 3.12.2026, 25 euroa, 116 117')).toBe('klo 14.30, 3.12.2026, 25 euroa, 116 117');
  });

  it('masks strings anywhere inside objects, arrays and errors', () => {
    const masked = maskDeep({ activity: { text: 'numero 0401234567' }, list: ['131052-308T'], err: new Error('failed for 040-1234567') }) as {
      activity: { text: string };
      list: string[];
      err: { message: string };
    };
    expect(masked.activity.text).toBe(`numero ${MASK.phone}`);
    expect(masked.list).toEqual([MASK.personalId]);
    expect(masked.err.message).toBe(`failed for ${MASK.phone}`);
  });

  it('the logger writes no personal data, whether in the message or in the fields', () => {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ text: 'hetu 131052-308T', phone: '+358401234567', nested: { email: 'a.b@example.fi' } }, 'resident wrote 040 123 4567');
    logger.error({ err: new Error('bad input 131052-308T') }, 'failed');
    const output = written.join('');
    expect(output).toContain('resident wrote');
    expect(output).not.toMatch(/131052-308T|4567|a\.b@example/);
    expect(output).toContain(MASK.personalId);
  });
});
