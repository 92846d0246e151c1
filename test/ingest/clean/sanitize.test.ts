import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bodyText } from '../../../src/ingest/clean/body-text.js';
import { defaultIframeHosts, type SanitizedContent, type SanitizeOptions, sanitizeContent } from '../../../src/ingest/clean/sanitize.js';

const options: SanitizeOptions = {
  baseUrl: 'https://coast.example/news/barrier',
  // As config.ts builds them from ingest.boilerplate: case-insensitive.
  boilerplate: [/^you must be logged in to post a comment\.?$/i],
};

describe('sanitizeContent', () => {
  const cases: { name: string; html: string; options?: SanitizeOptions; expected: Omit<SanitizedContent, 'text'> }[] = [
    {
      name: 'a <script> element is removed with its content',
      html: '<p>Before</p><script>document.write("injected")</script><p>After</p>',
      expected: { html: '<p>Before</p><p>After</p>', related: [] },
    },
    {
      name: 'onclick and onerror attributes are removed',
      html: '<p onclick="steal()">Gates <img src="https://coast.example/g.jpg" alt="Gates" onerror="steal()"></p>',
      expected: { html: '<p>Gates <img src="https://coast.example/g.jpg" alt="Gates" /></p>', related: [] },
    },
    {
      name: 'javascript: and data: hrefs are removed, keeping the link text',
      html: '<p><a href="javascript:alert(1)">click</a> and <a href="data:text/html;base64,PHNjcmlwdD4=">data</a></p>',
      expected: { html: '<p><a>click</a> and <a>data</a></p>', related: [] },
    },
    {
      name: 'a user name and password in a link or image address are dropped',
      html: '<p><a href="https://editor:hunter2@coast.example/draft">Draft</a><img src="https://u:p@coast.example/g.jpg" alt="G"></p>',
      expected: { html: '<p><a href="https://coast.example/draft">Draft</a><img src="https://coast.example/g.jpg" alt="G" /></p>', related: [] },
    },
    {
      name: 'an image with a data: src is removed',
      html: '<p>Chart<img src="data:image/png;base64,iVBORw0KGgo="></p>',
      expected: { html: '<p>Chart</p>', related: [] },
    },
    {
      name: 'relative hrefs and img srcs are made absolute against baseUrl',
      html: '<p><a href="../harbour">Harbour</a> <a href="/about" title="About">us</a> <img src="img/gates.jpg" alt="Gates"></p>',
      expected: {
        html: '<p><a href="https://coast.example/harbour">Harbour</a> <a href="https://coast.example/about" title="About">us</a> <img src="https://coast.example/news/img/gates.jpg" alt="Gates" /></p>',
        related: [],
      },
    },
    {
      name: 'mailto: links are kept',
      html: '<p><a href="mailto:desk@coast.example">Write to us</a></p>',
      expected: { html: '<p><a href="mailto:desk@coast.example">Write to us</a></p>', related: [] },
    },
    {
      name: 'a 1x1 tracking image is removed',
      html: '<p>Gates closed.<img src="https://track.example/p.gif" width="1" height="1"></p>',
      expected: { html: '<p>Gates closed.</p>', related: [] },
    },
    {
      name: 'an image sized 1x1 by its style is removed',
      html: '<p>Gates closed.<img src="https://track.example/p.gif" style="width:1px;height:1px"></p>',
      expected: { html: '<p>Gates closed.</p>', related: [] },
    },
    {
      name: 'an image hidden by its style (upper case, !important) is removed',
      html: '<p>Gates closed.<img src="https://track.example/p.gif" STYLE="DISPLAY: NONE !IMPORTANT"></p>',
      expected: { html: '<p>Gates closed.</p>', related: [] },
    },
    {
      name: 'an image styled to full width is kept, without its style (style is never kept)',
      html: '<p><img src="https://coast.example/g.jpg" style="width:100%" alt="Gates"></p>',
      expected: { html: '<p><img src="https://coast.example/g.jpg" alt="Gates" /></p>', related: [] },
    },
    {
      name: 'an image with a real size is kept with its size',
      html: '<p><img src="https://coast.example/g.jpg" width="640" height="480" alt="Gates"></p>',
      expected: { html: '<p><img src="https://coast.example/g.jpg" width="640" height="480" alt="Gates" /></p>', related: [] },
    },
    {
      name: 'an <iframe> is removed',
      html: '<p>Watch:</p><iframe src="https://video.example/embed/1"></iframe><p>End.</p>',
      expected: { html: '<p>Watch:</p><p>End.</p>', related: [] },
    },
    {
      name: 'a <style> element is removed with its rules',
      html: '<style>p { color: red }</style><p>Styled</p>',
      expected: { html: '<p>Styled</p>', related: [] },
    },
    {
      name: 'a <form> and its inputs are removed',
      html: '<p>Subscribe:</p><form action="/subscribe" method="post"><input type="email" name="email"></form><p>End.</p>',
      expected: { html: '<p>Subscribe:</p><p>End.</p>', related: [] },
    },
    {
      name: 'style and class attributes are removed',
      html: '<p class="lead" style="color:red">Lead</p>',
      expected: { html: '<p>Lead</p>', related: [] },
    },
    {
      name: 'a boilerplate paragraph matching a configured pattern is removed',
      html: '<p>The gates held.</p><p>You must be logged in to post a comment.</p>',
      expected: { html: '<p>The gates held.</p>', related: [] },
    },
    {
      name: 'a boilerplate paragraph is kept when no pattern is configured',
      html: '<p>The gates held.</p><p>You must be logged in to post a comment.</p>',
      options: { ...options, boilerplate: [] },
      expected: { html: '<p>The gates held.</p><p>You must be logged in to post a comment.</p>', related: [] },
    },
    {
      name: 'a paragraph that only contains the boilerplate phrase is kept',
      html: '<p>Readers complained that you must be logged in to post a comment.</p>',
      expected: { html: '<p>Readers complained that you must be logged in to post a comment.</p>', related: [] },
    },
    {
      name: 'an inline "Related:" paragraph is removed from the body and returned with url and title',
      html: '<p>The gates held.</p><p>Related: <a href="https://x.example/a">Earlier headline</a> Nov. 12, 2026</p><p>More.</p>',
      expected: {
        html: '<p>The gates held.</p><p>More.</p>',
        related: [{ url: 'https://x.example/a', title: 'Earlier headline' }],
      },
    },
    {
      name: 'a "<strong>Related:</strong>" paragraph is removed and returned the same way',
      html: '<p>The gates held.</p><p><strong>Related:</strong> <a href="https://x.example/a">Earlier headline</a> Nov. 12, 2026</p>',
      expected: { html: '<p>The gates held.</p>', related: [{ url: 'https://x.example/a', title: 'Earlier headline' }] },
    },
    {
      name: 'a related link is made absolute and its title loses markup and entities',
      html: '<p>Related: <a href="/a?x=1&amp;y=2"><em>Gates</em> &amp; walls</a></p>',
      expected: { html: '', related: [{ url: 'https://coast.example/a?x=1&y=2', title: 'Gates & walls' }] },
    },
    {
      name: 'every link of a "Related:" paragraph becomes a related story',
      html: '<p>Related: <a href="https://x.example/a">First</a> and <a href="https://x.example/b">Second</a></p><p>Body.</p>',
      expected: {
        html: '<p>Body.</p>',
        related: [
          { url: 'https://x.example/a', title: 'First' },
          { url: 'https://x.example/b', title: 'Second' },
        ],
      },
    },
    {
      name: 'a "<b>Related</b>:" paragraph, colon outside the bold, is recognised too',
      html: '<p><b>Related</b>: <a href="https://x.example/a">Earlier headline</a></p>',
      expected: { html: '', related: [{ url: 'https://x.example/a', title: 'Earlier headline' }] },
    },
    {
      name: 'a "Related:" spelled with character references is recognised too',
      html: '<p>R&#101;lated&#58; <a href="https://x.example/a">Earlier headline</a></p>',
      expected: { html: '', related: [{ url: 'https://x.example/a', title: 'Earlier headline' }] },
    },
    {
      name: 'an ordinary paragraph mentioning "related" is kept',
      html: '<p>Officials said the closures were related to the storm.</p><p>Related stories are <a href="https://x.example/b">here</a>.</p>',
      expected: {
        html: '<p>Officials said the closures were related to the storm.</p><p>Related stories are <a href="https://x.example/b">here</a>.</p>',
        related: [],
      },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { text, ...content } = sanitizeContent(c.html, c.options ?? options);
      assert.deepEqual(content, c.expected);
      // The text comes from sanitize's own parse, and is what the kept markup reads as.
      assert.equal(text, bodyText(content.html));
    });
  }

  test(
    'an inline "Related:" line with a long trailing text does not swallow the next paragraph',
    () => {
      const html =
        '<p>Related: <a href="https://x.example/a">Earlier headline</a> published on the twelfth of November 2026 at noon</p>' +
        '<p>The barrier held, said <a href="https://coast.example/mayor">the mayor</a></p>';
      const result = sanitizeContent(html, options);
      assert.match(result.html, /The barrier held, said <a href="https:\/\/coast.example\/mayor">the mayor<\/a>/);
      assert.deepEqual(result.related.map((r) => r.title), ['Earlier headline']);
    },
  );

  test(
    'the text of form controls does not leak into the body',
    () => {
      const html = '<p>A</p><form><label>Email</label><button>Subscribe</button></form><p>B</p>';
      assert.equal(sanitizeContent(html, options).html, '<p>A</p><p>B</p>');
    },
  );
});

describe('sanitizeContent: embedded players', () => {
  const withHosts: SanitizeOptions = { ...options, iframeHosts: defaultIframeHosts };
  const youtube = 'https://www.youtube.com/embed/abc123';
  const cases: { name: string; html: string; options: SanitizeOptions; expected: string }[] = [
    {
      name: 'without iframeHosts every iframe is removed, even from a well-known player',
      html: `<p>Watch:</p><iframe src="${youtube}"></iframe>`,
      options,
      expected: '<p>Watch:</p>',
    },
    {
      name: 'an https iframe from an allowed host is kept with src, width, height, title and allowfullscreen only',
      html: `<iframe src="${youtube}" width="560" height="315" title="Storm footage" allowfullscreen frameborder="0" style="border:0" onload="steal()" allow="autoplay" sandbox="allow-scripts"></iframe>`,
      options: withHosts,
      expected: `<iframe src="${youtube}" width="560" height="315" title="Storm footage" allowfullscreen></iframe>`,
    },
    {
      name: 'an iframe from a host not in the list is removed',
      html: '<p>A</p><iframe src="https://video.example/embed/1"></iframe><p>B</p>',
      options: withHosts,
      expected: '<p>A</p><p>B</p>',
    },
    {
      name: 'an iframe from a look-alike host (allowed host as a subdomain) is removed',
      html: '<iframe src="https://www.youtube.com.evil.example/embed/1"></iframe>',
      options: withHosts,
      expected: '',
    },
    {
      name: 'an http iframe from an allowed host is removed',
      html: '<iframe src="http://www.youtube.com/embed/abc123"></iframe>',
      options: withHosts,
      expected: '',
    },
    {
      name: 'a javascript: iframe is removed',
      html: '<iframe src="javascript:alert(1)"></iframe>',
      options: withHosts,
      expected: '',
    },
    {
      name: 'a relative iframe src is removed',
      html: '<iframe src="/embed/1"></iframe>',
      options: withHosts,
      expected: '',
    },
    {
      name: 'an iframe without src is removed',
      html: '<iframe width="560"></iframe>',
      options: withHosts,
      expected: '',
    },
    {
      name: 'a protocol-relative src from an allowed host becomes https',
      html: '<iframe src="//player.vimeo.com/video/42"></iframe>',
      options: withHosts,
      expected: '<iframe src="https://player.vimeo.com/video/42"></iframe>',
    },
    {
      name: 'hosts other than the defaults can be allowed',
      html: '<iframe src="https://video.example/embed/1"></iframe>',
      options: { ...options, iframeHosts: ['video.example'] },
      expected: '<iframe src="https://video.example/embed/1"></iframe>',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(sanitizeContent(c.html, c.options).html, c.expected);
    });
  }

  test('defaultIframeHosts are the YouTube and Vimeo players', () => {
    assert.deepEqual(defaultIframeHosts, ['www.youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com']);
  });
});

describe('sanitizeContent: a caption printed twice is kept once', () => {
  const img = '<img src="https://coast.example/g.jpg" />';
  const cases: { name: string; html: string; expected: string }[] = [
    {
      name: 'two identical paragraphs in a row: the second goes',
      html: '<p>The barrier at dawn.</p><p>The barrier at dawn.</p><p>Body.</p>',
      expected: '<p>The barrier at dawn.</p><p>Body.</p>',
    },
    {
      name: 'a paragraph repeating the figcaption just before it goes',
      html: `<figure>${img}<figcaption>The barrier at dawn.</figcaption></figure><p>The barrier at dawn.</p><p>Body.</p>`,
      expected: `<figure>${img}<figcaption>The barrier at dawn.</figcaption></figure><p>Body.</p>`,
    },
    {
      name: 'two identical figcaptions in one figure: the second goes',
      html: `<figure>${img}<figcaption>Gates</figcaption><figcaption>Gates</figcaption></figure>`,
      expected: `<figure>${img}<figcaption>Gates</figcaption></figure>`,
    },
    {
      name: 'texts that differ only in markup, entities and whitespace are the same text',
      html: '<p>Gates &amp; walls\n at <em>dawn</em></p>\n<p>Gates &amp; walls at dawn</p>',
      expected: '<p>Gates &amp; walls\n at <em>dawn</em></p>',
    },
    {
      name: 'three in a row are kept once',
      html: '<p>Again</p><p>Again</p><p>Again</p>',
      expected: '<p>Again</p>',
    },
    {
      name: 'identical paragraphs with another paragraph between them are both kept',
      html: '<p>Yes.</p><p>No.</p><p>Yes.</p>',
      expected: '<p>Yes.</p><p>No.</p><p>Yes.</p>',
    },
    {
      name: 'identical paragraphs with a heading between them are both kept',
      html: '<p>Yes.</p><h2>Part two</h2><p>Yes.</p>',
      expected: '<p>Yes.</p><h2>Part two</h2><p>Yes.</p>',
    },
    {
      name: 'identical paragraphs with an image between them are both kept',
      html: `<p>Yes.</p>${img}<p>Yes.</p>`,
      expected: `<p>Yes.</p>${img}<p>Yes.</p>`,
    },
    {
      name: 'a figcaption repeating the paragraph before its figure is kept (the image is between)',
      html: `<p>Gates</p><figure>${img}<figcaption>Gates</figcaption></figure>`,
      expected: `<p>Gates</p><figure>${img}<figcaption>Gates</figcaption></figure>`,
    },
    {
      name: 'a paragraph inside a blockquote and the same one after it are both kept',
      html: '<blockquote><p>We held.</p></blockquote><p>We held.</p>',
      expected: '<blockquote><p>We held.</p></blockquote><p>We held.</p>',
    },
    {
      name: 'a repeat that differs only in spacing and line breaks goes',
      html: '<p>The barrier\n at  dawn.</p><p> The barrier at dawn.\n</p><p>Body.</p>',
      expected: '<p>The barrier\n at  dawn.</p><p>Body.</p>',
    },
    {
      name: 'a paragraph that starts like the one before but goes on differently is kept',
      html: '<p>The barrier at dawn.</p><p>The barrier at dusk.</p>',
      expected: '<p>The barrier at dawn.</p><p>The barrier at dusk.</p>',
    },
    {
      name: 'two empty paragraphs are not a repeated caption',
      html: '<p>A</p><p><br /></p><p><br /></p><p>B</p>',
      expected: '<p>A</p><p><br /></p><p><br /></p><p>B</p>',
    },
    {
      name: 'a repeat with only a "Related:" line between them goes: that line is lifted out first',
      html: '<p>The barrier at dawn.</p><p>Related: <a href="https://x.example/a">Earlier headline</a></p><p>The barrier at dawn.</p><p>Body.</p>',
      expected: '<p>The barrier at dawn.</p><p>Body.</p>',
    },
    {
      name: 'differing case is a different text',
      html: '<p>GATES</p><p>Gates</p>',
      expected: '<p>GATES</p><p>Gates</p>',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { html, text } = sanitizeContent(c.html, options);
      assert.equal(html, c.expected);
      assert.equal(text, bodyText(html));
    });
  }

  test('the text leaves out the repeat, the "Related:" line and the markup', () => {
    const html =
      '<p>The barrier at <em>dawn</em>.</p><p>The barrier at dawn.</p>' +
      '<p>Related: <a href="https://x.example/a">Earlier headline</a></p><ul><li>Gates&nbsp;&amp; walls</li><li>held</li></ul>';
    assert.equal(sanitizeContent(html, options).text, 'The barrier at dawn. Gates & walls held');
  });

  test('the repeat is found on the sanitized markup: a paragraph repeated around a removed script is kept once', () => {
    const html = '<p class="caption">Gates</p><script>track()</script><p style="x">Gates</p>';
    assert.equal(sanitizeContent(html, options).html, '<p>Gates</p>');
  });
});
