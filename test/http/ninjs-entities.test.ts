// ninjs places, people and organisations (issue 21): a tag the gazetteer
// names with a kind (config `tags[].kind`) is also listed under the field
// of that kind, as the same concept as its subject; other tags are subjects
// only. Checked against the ninjs 2.0 schema's rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { createPartner } from '../../src/store/partners.js';
import { configWithSources, testContext } from '../helpers.js';
import { checkNinjs } from '../publish/ninjs-check.js';

const token = 'test-admin-token-0123456789';
const gazetteer = `tags:
  - { name: Port Elling, aliases: [Elling], kind: place }
  - { name: Mara Okonjo, kind: person }
  - { name: Harbour Board, kind: organisation }
  - { name: Flood Barrier }
`;

test('gazetteer kinds become ninjs places, people and organisations; every tag stays a subject', async () => {
  const ctx = testContext(configWithSources('  []', gazetteer, false), { WIREFEED_ADMIN_TOKEN: token });
  try {
    const app = createApp(ctx);
    const key = createPartner(ctx.db, 'Wire Desk', { fullText: true, categories: [] }).key;
    const article = {
      title: 'Mara Okonjo opens the Elling flood barrier',
      summary: 'The Harbour Board watched.',
      url: 'https://desk.example/barrier-opens',
      tags: ['Elling', 'Mara Okonjo', 'Harbour Board', 'Flood Barrier', 'Tides'],
    };
    await request(app).post('/admin/articles').set('Authorization', `Bearer ${token}`).send(article).expect(201);
    const body = (await request(app).get('/feeds/all.ninjs').set('Authorization', `Bearer ${key}`).expect(200)).body as { items: Record<string, unknown>[] };
    const item = body.items[0]!;
    assert.deepEqual(checkNinjs(item), []);
    const names = (field: string) => ((item[field] as { name: string; literal: string; uri: string }[] | undefined) ?? []).map((c) => c.name);
    assert.deepEqual(names('places'), ['Port Elling'], 'the alias is filed under its gazetteer name');
    assert.deepEqual(names('people'), ['Mara Okonjo']);
    assert.deepEqual(names('organisations'), ['Harbour Board']);
    const place = (item.places as { uri: string; literal: string }[])[0]!;
    assert.deepEqual(place, { name: 'Port Elling', uri: 'http://feeds.test/tags/port-elling', literal: 'port-elling' });
    const subjects = names('subjects');
    for (const tag of ['Port Elling', 'Mara Okonjo', 'Harbour Board', 'Flood Barrier', 'Tides']) assert.ok(subjects.includes(tag), tag);
  } finally {
    ctx.close();
  }
});
