// Deterministic synthetic news text with realistic field sizes: the same
// seed always gives the same archive, so a generated database can be cached.
// Words come from a small everyday vocabulary, per-category topic words and
// a long tail of made-up proper names, so that a full-text index sees
// something like the word distribution of real news copy.

/** A small fast PRNG (mulberry32): deterministic, good enough for test data. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** An index in [0, n) where small indexes are much likelier (a rough Zipf). */
  skewed(n: number): number {
    return Math.min(n - 1, Math.floor(n * this.next() ** 3));
  }
}

/** Function words: about two in five words of news copy. */
const functionWords = `the a of to in and for on that with as at by from is was were are be been has have had will
would could said after over more than which while it its this their they he she who not but or an about into also`.split(/\s+/);

/**
 * The head of the content vocabulary, most frequent first; a long tail of
 * made-up lowercase words follows it. Picked by Zipf's law, a word's share
 * falls with its rank, so "inquiry" (rank 122) is in about a tenth of the articles.
 */
const contentWords = `new city state year years week officials people plan report local first last two three
minister government residents meeting public early late expected announced told statement support work service
million percent according region national community members group cost decision vote season project area north
south east west district spokesperson morning evening monday tuesday wednesday thursday friday board chief
executive deputy mayor workers families schools hospital police court review agreement proposal data figures
rise fall higher lower record months days hours agency union water housing energy prices power centre street
road river bridge island village county office leader party campaign fund funding law rules safety health
care children students teachers older younger women men team staff company firm sector industry jobs pay
inquiry wages homes land farm coast weather winter summer spring autumn night weekend crowd visitors tourism
trade exports imports bank loan debt tax taxes spending cuts plans talks deal`.split(/\s+/);

const syllablesLower = 'ab ac ad al am an ap ar as at ba be bi bo ca ce ci co da de di do ea ed el em en er es fa fe fi fo ga ge gi go ha he hi ho ic id il im in io ir is it la le li lo ma me mi mo na ne ni no ob oc od ol om on op or os ot pa pe pi po ra re ri ro sa se si so ta te ti to ul um un ur us va ve vi vo'.split(' ');

/** Rank in [0, n) by Zipf's law (exponent 1): P(rank < r) = ln(r + 1) / ln(n + 1). */
function zipf(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor((n + 1) ** random.next()) - 1);
}

/** Topic words by category slug (the demo taxonomy); others fall back to the common words. */
const topics: Record<string, string[]> = {
  world: 'border talks embassy ceasefire summit treaty foreign refugees sanctions diplomats election'.split(' '),
  politics: 'council councillors parliament election campaign ballot budget committee opposition coalition'.split(' '),
  business: 'markets shares profits strike shipping port authority investors trade inflation earnings'.split(' '),
  climate: 'flood barrier defences sea level emissions drought heatwave storm coastline rainfall'.split(' '),
  transport: 'rail strike commuters trains buses timetable tram station airport motorway fares'.split(' '),
  science: 'satellite cubesat launch researchers telescope laboratory orbit study physics genome'.split(' '),
  technology: 'software startup broadband outage cyber chips platform app privacy network'.split(' '),
  sports: 'cup tie league match season coach striker goal stadium championship final'.split(' '),
  culture: 'festival museum gallery theatre concert exhibition library film novel choir'.split(' '),
};

const syllables = 'al an ar bel ber bran cal car dal del dun el en fal far gal har hol ing kel kin lan lor mar mer mor nel nor ol or pen ran ros sal sel tal ter tor val ven wick win yar'.split(' ');

/** A pool of made-up proper names (places, people, teams): the long tail of the vocabulary. */
export function namePool(random: Random, size: number): string[] {
  const names = new Set<string>();
  while (names.size < size) {
    const parts = random.int(2, 3);
    let name = '';
    for (let i = 0; i < parts; i++) name += random.pick(syllables);
    names.add(name[0]!.toUpperCase() + name.slice(1));
  }
  return [...names];
}

export class TextMaker {
  private readonly names: string[];
  private readonly vocabulary: string[];

  constructor(private readonly random: Random, nameCount = 20_000, tailWords = 20_000) {
    this.names = namePool(random, nameCount);
    const tail = new Set<string>();
    while (tail.size < tailWords) {
      let word = '';
      for (let i = random.int(2, 4); i > 0; i--) word += random.pick(syllablesLower);
      if (!contentWords.includes(word)) tail.add(word);
    }
    this.vocabulary = [...contentWords, ...tail];
  }

  name(): string {
    return this.names[zipf(this.random, this.names.length)]!;
  }

  person(): string {
    return `${this.names[this.random.int(0, 499)]} ${this.name()}`;
  }

  private word(topic: string[]): string {
    const r = this.random.next();
    if (r < 0.4) return this.random.pick(functionWords);
    if (r < 0.75) return this.vocabulary[zipf(this.random, this.vocabulary.length)]!;
    if (r < 0.85 && topic.length > 0) return this.random.pick(topic);
    return this.name();
  }

  sentence(category: string, minWords = 8, maxWords = 22): string {
    const topic = topics[category] ?? [];
    const words: string[] = [];
    const count = this.random.int(minWords, maxWords);
    for (let i = 0; i < count; i++) words.push(this.word(topic));
    const text = words.join(' ');
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
  }

  /** Sentences up to about `chars` characters. */
  prose(category: string, chars: number): string {
    let text = this.sentence(category);
    while (text.length < chars - 40) text += ` ${this.sentence(category)}`;
    return text;
  }

  /** A headline of 40 to 100 characters, no final stop. */
  title(category: string): string {
    let title = this.sentence(category, 6, 14).slice(0, -1);
    while (title.length < 40) title += ` ${this.name()}`;
    return title.length > 100 ? title.slice(0, 100).replace(/\s+\S*$/, '') : title;
  }

  /** About 2 KB of article HTML: paragraphs, sometimes emphasis and a link. */
  contentHtml(category: string, link: string): string {
    const paragraphs: string[] = [];
    let size = 0;
    while (size < 1900) {
      let text = this.prose(category, this.random.int(250, 450));
      if (this.random.chance(0.15)) text = text.replace(/ (\w+) /, ' <em>$1</em> ');
      if (this.random.chance(0.1)) text += ` <a href="${link}#more">Read the full report</a>.`;
      const paragraph = `<p>${text}</p>`;
      paragraphs.push(paragraph);
      size += paragraph.length;
    }
    return paragraphs.join('\n');
  }
}
