import { Writable } from 'node:stream';
import { MASK, maskDeep, maskForLog, maskPersonalIdentityCodes, maskSensitive } from '../../services/privacy/mask';
import { createLogger } from '../../services/logging/logger';

describe('personal identity codes (henkilötunnus)', () => {
  it.each([
    '131052-308T',
    '010101A123N',
    '010594Y9032',
    '290200+1239',
    '311299-999E',
    '010203B234K',
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

describe('the check character of an identity code', () => {
  // The check character depends only on the digits (DDMMYY and the serial), not on the century sign.
  it.each(['+', '-', 'A', 'B', 'C', 'D', 'E', 'F', 'U', 'V', 'W', 'X', 'Y'])('accepts the century sign %s', (sign) => {
    expect(maskSensitive(`hetu 010101${sign}123N`)).toEqual({ text: `hetu ${MASK.personalId}`, found: ['personalId'] });
  });

  it.each(['131052-308U', '131052-3080', '010101A123M', '010594Y9033', '290200+123X'])('leaves %s, whose check character is wrong, as typed', (code) => {
    const text = `koodi ${code}`;
    expect(maskPersonalIdentityCodes(text)).toBe(text);
    expect(maskSensitive(text)).toEqual({ text, found: [] });
  });

  it('still keeps a mistyped code out of the log: it is the resident\'s all the same', () => {
    expect(maskForLog('hetu 131052-308U')).toBe(`hetu ${MASK.personalId}`);
  });

  it('a century sign outside the list is not an identity code', () => {
    expect(maskSensitive('010101G123N').text).toBe('010101G123N');
  });
});

describe('bank account numbers (IBAN)', () => {
  it.each([
    'FI21 1234 5600 0007 85',
    'FI2112345600000785',
    'fi21 1234 5600 0007 85',
    'DE89 3704 0044 0532 0130 00',
    'GB29 NWBK 6016 1331 9268 19',
    'NL91ABNA0417164300',
    'SE45 5000 0000 0583 9825 7466',
    'NO9386011117947',
    'LC55 HEMM 0001 0001 0012 0012 0002 3015',
  ])('masks the valid IBAN %s', (iban) => {
    expect(maskSensitive(`tilille ${iban}, kiitos`)).toEqual({ text: `tilille ${MASK.iban}, kiitos`, found: ['iban'] });
  });

  it('masks the account number and keeps what follows it', () => {
    expect(maskSensitive('FI21 1234 5600 0007 85 1234 euroa').text).toBe(`${MASK.iban} 1234 euroa`);
    expect(maskSensitive('tili: FI21 1234 5600 0007 85 kiitos').text).toBe(`tili: ${MASK.iban} kiitos`);
  });

  it.each([
    ['a wrong check digit', 'FI22 1234 5600 0007 85'],
    ['a changed account digit', 'FI21 1234 5600 0007 86'],
    ['a Finnish one digit short', 'FI21 1234 5600 0007 8'],
    ['a Finnish one with a letter', 'FI21 1234 5600 0007 8A'],
    ['a swapped pair', 'NL91ABNA0417164330'],
  ])('leaves %s as typed', (_label, text) => {
    expect(maskSensitive(text)).toEqual({ text, found: [] });
  });
});

describe('payment card numbers', () => {
  it.each([
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '4111111111111111',
    '5555 5555 5555 4444',
    '3782 822463 10005',
    '4222222222222',
    '6759 6498 2643 8453 003',
  ])('masks the Luhn-valid card number %s', (card) => {
    expect(maskSensitive(`kortti ${card} kävi`)).toEqual({ text: `kortti ${MASK.card} kävi`, found: ['card'] });
  });

  it('masks the card number and keeps the expiry date typed after it', () => {
    expect(maskSensitive('4111 1111 1111 1111 12/26').text).toBe(`${MASK.card} 12/26`);
  });

  it.each([
    ['a Luhn-invalid number', '4111 1111 1111 1112'],
    ['twelve digits', '4111 1111 1111'],
    ['twenty digits run together (a group is never split)', '41111111111111111111'],
    ['a number that starts like no payment card', '0111 1111 1111 1111 1'],
  ])('leaves %s as typed', (_label, text) => {
    expect(maskSensitive(text)).toEqual({ text, found: [] });
  });
});

describe('what masking leaves alone', () => {
  it.each([
    '040 123 4567',
    '040-1234567',
    '0401234567',
    '+358 40 123 4567',
    '+358401234567',
    '00358401234567',
    '09 2525 0111',
    '+46 8 123 456 78',
    '3.12.2026',
    'klo 14.30',
    '1 250 000 euroa',
    '116 117',
    'vuonna 2026 sain 3 kirjettä',
  ])('%s is not personal data to maskSensitive', (text) => {
    expect(maskSensitive(`Soita ${text} kiitos`)).toEqual({ text: `Soita ${text} kiitos`, found: [] });
  });
});

describe('maskSensitive tells what it removed', () => {
  it('names each kind once, in a fixed order, whatever the order in the text', () => {
    const typed = 'kortti 4111111111111111, hetu 131052-308T, tili FI21 1234 5600 0007 85 ja toinen hetu 010101A123N';
    expect(maskSensitive(typed)).toEqual({
      text: `kortti ${MASK.card}, hetu ${MASK.personalId}, tili ${MASK.iban} ja toinen hetu ${MASK.personalId}`,
      found: ['personalId', 'iban', 'card'],
    });
  });

  it('finds nothing in an ordinary message and returns it unchanged', () => {
    const typed = 'Kela ei oo maksanu, soittakaa 040 123 4567 huomenna klo 10';
    expect(maskSensitive(typed)).toEqual({ text: typed, found: [] });
  });

  it('masking twice changes nothing more', () => {
    const once = maskSensitive('hetu 131052-308T, tili FI21 1234 5600 0007 85, kortti 4111 1111 1111 1111');
    expect(maskSensitive(once.text)).toEqual({ text: once.text, found: [] });
  });

  it('keeps maskPersonalIdentityCodes to identity codes only', () => {
    expect(maskPersonalIdentityCodes('131052-308T FI21 1234 5600 0007 85 4111111111111111')).toBe(
      `${MASK.personalId} FI21 1234 5600 0007 85 4111111111111111`,
    );
  });

  it('handles a long message quickly', () => {
    const long = 'FI21 4111 1111 1-'.repeat(600);
    const started = Date.now();
    maskSensitive(long);
    maskForLog(long);
    // Generous: a turn must not stall on a pathological message (a catastrophic pattern would take seconds).
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('masking for logs', () => {
  it('masks identity codes, phone numbers and e-mail addresses', () => {
    const line = maskForLog('hetu 131052-308T, puh. 040 123 4567 tai +358 40 123 4567, posti maija.meikalainen@example.fi');
    expect(line).toBe(`hetu ${MASK.personalId}, puh. ${MASK.phone} tai ${MASK.phone}, posti ${MASK.email}`);
  });

  it('masks bank account and card numbers too, before phone numbers', () => {
    expect(maskForLog('tili FI21 1234 5600 0007 85, kortti 4111 1111 1111 1111, puh. 040 123 4567')).toBe(
      `tili ${MASK.iban}, kortti ${MASK.card}, puh. ${MASK.phone}`,
    );
    const masked = maskDeep({ text: 'kortti 5555555555554444', list: ['NL91ABNA0417164300'] }) as { text: string; list: string[] };
    expect(masked).toEqual({ text: `kortti ${MASK.card}`, list: [MASK.iban] });
  });

  it('masks a phone number at the end of a sentence', () => {
    expect(maskForLog('Soita numeroon 0401234567. Kiitos!')).toBe(`Soita numeroon ${MASK.phone}. Kiitos!`);
    // A callback reference names a request, not a person: the operator must see which one it was.
    expect(maskForLog('lost AKA-2026-000123, puh. 040 123 4567')).toBe(`lost AKA-2026-000123, puh. ${MASK.phone}`);
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
