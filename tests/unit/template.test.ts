import { Markup, Template, TemplateError, jsonForScript } from '../../bot/web/template';

describe('the pages\' template language', () => {
  it('escapes every value for HTML text and attributes', () => {
    const page = new Template('t', '<p title="{{title}}">{{text}}</p>').render({ title: '"><script>', text: 'a < b & c\'s' });
    expect(page.html).toBe('<p title="&quot;&gt;&lt;script&gt;">a &lt; b &amp; c&#39;s</p>');
  });

  it('repeats a section for each item, looking names up on the item first', () => {
    const template = new Template('t', '{{#sections}}<h2>{{heading}}</h2>{{#lines}}<p>{{.}} ({{site}})</p>{{/lines}}{{/sections}}');
    const html = template.render({ site: 'Apu', sections: [{ heading: 'Yksi', lines: ['a', 'b'] }, { heading: 'Kaksi', lines: [] }] }).html;
    expect(html).toBe('<h2>Yksi</h2><p>a (Apu)</p><p>b (Apu)</p><h2>Kaksi</h2>');
  });

  it('shows a section once for true and not at all for false', () => {
    const template = new Template('t', '{{#on}}kyllä{{/on}}{{#off}}ei{{/off}}');
    expect(template.render({ on: true, off: false }).html).toBe('kyllä');
  });

  it('puts in markup only when it came from a template, never a plain string', () => {
    const inner = new Template('inner', '<b>{{x}}</b>').render({ x: '<i>' });
    const outer = new Template('outer', '<div>{{> content}}</div>');
    expect(outer.render({ content: inner }).html).toBe('<div><b>&lt;i&gt;</b></div>');
    expect(() => outer.render({ content: '<b>raw</b>' })).toThrow(/expected markup from a template/);
  });

  it('a name the view does not have is an error, not a hole in the page', () => {
    expect(() => new Template('page.html', '<h1>{{chat.heding}}</h1>').render({ chat: { heading: 'Hei' } })).toThrow(
      new TemplateError('page.html', 'the view has no "chat.heding"'),
    );
    expect(() => new Template('t', '{{#list}}x{{/list}}').render({ list: 'text' })).toThrow(/expected a list or true\/false/);
  });

  it('refuses a section that is not closed, or closed by another name', () => {
    expect(() => new Template('t', '{{#a}}x')).toThrow(/never closed/);
    expect(() => new Template('t', '{{#a}}x{{/b}}')).toThrow(/closes \{\{#a\}\}/);
  });

  it('writes JSON that cannot end the script element it is in', () => {
    const json = jsonForScript({ text: '</script><script>alert(1)</script> & \u2028' });
    expect(json).toBeInstanceOf(Markup);
    expect(json.html).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json.html)).toEqual({ text: '</script><script>alert(1)</script> & \u2028' });
  });
});
