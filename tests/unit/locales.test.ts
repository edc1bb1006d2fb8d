import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocaleDataError } from '../../services/locales/dataFile';
import { defaultLocalesDir, loadLocale } from '../../services/locales/locale';

const root = join(__dirname, '..', '..');
const messages = JSON.parse(readFileSync(join(root, 'locales', 'fi', 'messages.json'), 'utf8')) as Record<string, string>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
const code = ['bot', 'dialogs', 'services'].flatMap((dir) => sourceFiles(join(root, dir))).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

/**
 * Message keys named in code: arguments of t(…) and deskContactLine(…, …), `label:` entries of menus,
 * default values of MessageKey parameters, and the members of key lists (MessageKey[] and buildChoices(…, [...])).
 */
function keysReferencedInCode(): { key: string; file: string }[] {
  const found: { key: string; file: string }[] = [];
  const patterns = [
    /\bt\(\s*'([^']+)'/g,
    /\bt\(\s*[^)'"]*\?\s*'([^']+)'\s*:\s*'([^']+)'/g,
    /deskContactLine\([^,)]+,\s*'([^']+)'/g,
    /\blabel:\s*'([^']+)'/g,
    /MessageKey\s*=\s*'([^']+)'/g,
  ];
  for (const { file, text } of code) {
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) match.slice(1).forEach((key) => key && found.push({ key, file }));
    }
    for (const list of text.matchAll(/(?:MessageKey\[\]\s*=\s*|buildChoices\([^,]+,\s*)\[([^\]]*)\]/g)) {
      for (const item of list[1]!.matchAll(/'([^']+)'/g)) found.push({ key: item[1]!, file });
    }
  }
  return found;
}

describe('the words in locales/fi', () => {
  it('load and validate', () => {
    const locale = loadLocale(defaultLocalesDir());
    expect(locale.messages.t('welcome.greeting')).toMatch(/Apu ku apu/);
    expect(locale.desk.phone).toBeTruthy();
  });

  it('have every message key that the code refers to', () => {
    const referenced = keysReferencedInCode();
    // The scan must really see the code's keys; an empty scan would prove nothing.
    expect(referenced.length).toBeGreaterThan(60);
    const missing = referenced.filter(({ key }) => !(key in messages)).map(({ key, file }) => `${key} (${file.replace(root, '')})`);
    expect(missing).toEqual([]);
  });

  it('have no message that the code never uses', () => {
    const used = new Set(keysReferencedInCode().map(({ key }) => key));
    expect(Object.keys(messages).filter((key) => !used.has(key))).toEqual([]);
  });

  it('keep Finnish sentences out of the code', () => {
    const finnishInCode = code.filter(({ text }) => /['"`][^'"`\n]*[äöÄÖ][^'"`\n]*['"`]/.test(text.replace(/^\s*(\/\/|\/?\*).*$/gm, '')));
    expect(finnishInCode.map(({ file }) => file.replace(root, ''))).toEqual([]);
  });

  it('fill in every {placeholder} or refuse loudly', () => {
    const locale = loadLocale(defaultLocalesDir());
    expect(locale.messages.t('input.tooLong', { max: 2000 })).toBe(messages['input.tooLong']!.replace('{max}', '2000'));
    expect(() => locale.messages.t('input.tooLong')).toThrow(/needs a value for \{max\}/);
  });
});

describe('invalid locale data stops the bot with the file, the place in it and the reason', () => {
  function brokenCopy(file: string, change: (data: Record<string, unknown>) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'));
    cpSync(defaultLocalesDir(), dir, { recursive: true });
    const path = join(dir, 'fi', file);
    const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    change(data);
    writeFileSync(path, JSON.stringify(data));
    return dir;
  }

  it('names a bad opening hour in livingRoom.json', () => {
    const dir = brokenCopy('livingRoom.json', (data) => {
      (data.openingHours as { closes: string }[])[1]!.closes = '25:00';
    });
    expect(() => loadLocale(dir)).toThrow(LocaleDataError);
    expect(() => loadLocale(dir)).toThrow(/livingRoom\.json at openingHours\.1\.closes: expected a time as HH:MM/);
  });

  it('names a missing desk phone number', () => {
    const dir = brokenCopy('desk.json', (data) => {
      delete data.phone;
    });
    expect(() => loadLocale(dir)).toThrow(/desk\.json at phone/);
  });

  it('names synonyms for a button that does not exist', () => {
    const dir = brokenCopy('choices.json', (data) => {
      data['menu.choice.nothing'] = ['x'];
    });
    expect(() => loadLocale(dir)).toThrow(/choices\.json at menu\.choice\.nothing: no message with this key/);
  });

  it('names a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'));
    cpSync(defaultLocalesDir(), dir, { recursive: true });
    writeFileSync(join(dir, 'fi', 'messages.json'), '{ not json');
    expect(() => loadLocale(dir)).toThrow(/messages\.json/);
  });
});
