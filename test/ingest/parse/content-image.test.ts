import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ContentImage, firstContentImage, isTrackingPixel, splitCredit } from '../../../src/ingest/parse/content-image.js';

describe('firstContentImage', () => {
  const cases: { name: string; html: string; expected: ContentImage | undefined }[] = [
    {
      name: 'a figure gives its image and its figcaption text as caption',
      html: '<figure><img src="https://x.example/a.jpg"><figcaption>The barrier <b>at dawn</b>.</figcaption></figure>',
      expected: { url: 'https://x.example/a.jpg', caption: 'The barrier at dawn.', credit: undefined },
    },
    {
      name: 'the first figure with an image wins over an earlier bare image',
      html: '<p><img src="https://x.example/inline.jpg"></p><figure><img src="https://x.example/fig.jpg"><figcaption>Fig</figcaption></figure>',
      expected: { url: 'https://x.example/fig.jpg', caption: 'Fig', credit: undefined },
    },
    {
      name: 'a figure without an image (a pull quote) is passed over for a later one',
      html: '<figure><blockquote>Quote</blockquote><figcaption>Mayor</figcaption></figure><figure><img src="b.jpg"><figcaption>B</figcaption></figure>',
      expected: { url: 'b.jpg', caption: 'B', credit: undefined },
    },
    {
      name: 'an image nested in a figure (picture, link) is found',
      html: '<figure><a href="/big"><picture><img src="c.jpg"></picture></a><figcaption>C</figcaption></figure>',
      expected: { url: 'c.jpg', caption: 'C', credit: undefined },
    },
    {
      name: 'a figure without figcaption gives no caption',
      html: '<figure><img src="d.jpg"></figure>',
      expected: { url: 'd.jpg', caption: undefined, credit: undefined },
    },
    {
      name: 'without a figure, the first image of the body, without a caption',
      html: '<p>Text</p><p><img src="/e.jpg" alt="E"><img src="/f.jpg"></p>',
      expected: { url: '/e.jpg', caption: undefined, credit: undefined },
    },
    {
      name: 'a 1x1 tracking pixel is skipped for the next image',
      html: '<img src="https://t.example/p.gif" width="1" height="1"><img src="g.jpg">',
      expected: { url: 'g.jpg', caption: undefined, credit: undefined },
    },
    {
      name: 'a tracking pixel in a figure does not make it the picture',
      html: '<figure><img src="p.gif" height="0"><figcaption>Pixel</figcaption></figure><p><img src="h.jpg"></p>',
      expected: { url: 'h.jpg', caption: undefined, credit: undefined },
    },
    {
      name: 'an image with a data: src is skipped',
      html: '<img src="data:image/gif;base64,R0lGOD"><img src="i.jpg">',
      expected: { url: 'i.jpg', caption: undefined, credit: undefined },
    },
    {
      name: 'an image without src is skipped',
      html: '<img alt="lazy"><img src=" j.jpg ">',
      expected: { url: 'j.jpg', caption: undefined, credit: undefined },
    },
    {
      name: 'an entity in the src is decoded',
      html: '<img src="https://x.example/k.jpg?w=640&amp;h=480">',
      expected: { url: 'https://x.example/k.jpg?w=640&h=480', caption: undefined, credit: undefined },
    },
    {
      name: 'text that only looks like an image tag inside a comment is no image',
      html: '<p>No pictures</p><!-- <img src="l.jpg"> -->',
      expected: undefined,
    },
    { name: 'no image at all gives undefined', html: '<p>Just words.</p>', expected: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(firstContentImage(c.html), c.expected);
    });
  }
});

describe('splitCredit', () => {
  const cases: { name: string; text: string; expected: { caption?: string; credit?: string } }[] = [
    {
      name: 'a final "(AP Photo/…)" is the credit',
      text: 'Crews clear the road. (AP Photo/Jane Doe)',
      expected: { caption: 'Crews clear the road.', credit: 'AP Photo/Jane Doe' },
    },
    {
      name: 'a final "(Photo: …)" is the credit',
      text: 'Crews clear the road (Photo: Jane Doe)',
      expected: { caption: 'Crews clear the road', credit: 'Photo: Jane Doe' },
    },
    {
      name: 'a final "(Agency/Photographer)" is the credit',
      text: 'Crews clear the road (Reuters/Jane Doe)',
      expected: { caption: 'Crews clear the road', credit: 'Reuters/Jane Doe' },
    },
    {
      name: 'a final "(© …)" is the credit',
      text: 'The harbour at night (© Coast Wire)',
      expected: { caption: 'The harbour at night', credit: '© Coast Wire' },
    },
    {
      name: 'a final parenthesis that is no credit stays in the caption',
      text: 'The mayor, Ana Pérez (left), with residents (right)',
      expected: { caption: 'The mayor, Ana Pérez (left), with residents (right)', credit: undefined },
    },
    {
      name: 'a credit after " — Photo: " is split off with its dash',
      text: 'Crews clear the road — Photo: Jane Doe',
      expected: { caption: 'Crews clear the road', credit: 'Photo: Jane Doe' },
    },
    {
      name: 'a credit after a sentence and "Photo:" is split off',
      text: 'Crews clear the road. Photo: Jane Doe/Coast Wire',
      expected: { caption: 'Crews clear the road.', credit: 'Photo: Jane Doe/Coast Wire' },
    },
    {
      name: 'a "Credit:" label is split off',
      text: 'Floodwater on Main Street. Credit: City of Coast',
      expected: { caption: 'Floodwater on Main Street.', credit: 'Credit: City of Coast' },
    },
    {
      name: 'a caption that is only a credit has no caption left',
      text: 'Photo: Jane Doe',
      expected: { caption: undefined, credit: 'Photo: Jane Doe' },
    },
    {
      name: '"telephoto:" inside a word is not a credit label',
      text: 'Shot with a telephoto: the moon over the pier',
      expected: { caption: 'Shot with a telephoto: the moon over the pier', credit: undefined },
    },
    { name: 'a caption without credit is kept whole', text: 'The barrier at dawn.', expected: { caption: 'The barrier at dawn.', credit: undefined } },
    { name: 'an empty caption gives neither', text: '', expected: { caption: undefined, credit: undefined } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(splitCredit(c.text), c.expected);
    });
  }
});

describe('isTrackingPixel', () => {
  const cases: { name: string; attribs: Record<string, string>; expected: boolean }[] = [
    { name: 'width and height 1', attribs: { width: '1', height: '1' }, expected: true },
    { name: 'height 0 alone', attribs: { height: '0' }, expected: true },
    { name: 'width "1px"', attribs: { width: '1px' }, expected: true },
    { name: 'a real size', attribs: { width: '640', height: '480' }, expected: false },
    { name: 'width 10 (not 1)', attribs: { width: '10' }, expected: false },
    { name: 'no size at all', attribs: {}, expected: false },
    { name: 'style width:1px;height:1px', attribs: { style: 'width:1px;height:1px' }, expected: true },
    { name: 'style with spaces and another rule', attribs: { style: 'width: 1px; height: 1px; border:0' }, expected: true },
    { name: 'style height:0', attribs: { style: 'height:0' }, expected: true },
    { name: 'style height: 0em', attribs: { style: 'height: 0em' }, expected: true },
    { name: 'style width:1 (unitless)', attribs: { style: 'width:1' }, expected: true },
    { name: 'style max-width:1px', attribs: { style: 'max-width:1px' }, expected: true },
    { name: 'style width 0.5px', attribs: { style: 'width:0.5px' }, expected: true },
    { name: 'style display:none', attribs: { style: 'display:none' }, expected: true },
    { name: 'style visibility:hidden', attribs: { style: 'visibility: hidden' }, expected: true },
    { name: 'style opacity:0', attribs: { style: 'opacity:0' }, expected: true },
    { name: 'style with !important', attribs: { style: 'width:1px !important;height:1px!important' }, expected: true },
    { name: 'style in upper case', attribs: { style: 'WIDTH:1PX;HEIGHT:1PX' }, expected: true },
    { name: 'style with a comment', attribs: { style: 'width:/* beacon */1px' }, expected: true },
    { name: 'style width:100%', attribs: { style: 'width:100%' }, expected: false },
    { name: 'style width:640px', attribs: { style: 'width:640px' }, expected: false },
    { name: 'style width:10px', attribs: { style: 'width:10px' }, expected: false },
    { name: 'style width:1em (not a pixel)', attribs: { style: 'width:1em' }, expected: false },
    { name: 'style min-width:1px (a floor, not a size)', attribs: { style: 'min-width:1px' }, expected: false },
    { name: 'style display:block', attribs: { style: 'display:block; border:0' }, expected: false },
    { name: 'style line-height:1', attribs: { style: 'line-height:1' }, expected: false },
  ];
  for (const c of cases) {
    test(`${c.name} is ${c.expected ? '' : 'not '}a tracking pixel`, () => {
      assert.equal(isTrackingPixel(c.attribs), c.expected);
    });
  }
});
