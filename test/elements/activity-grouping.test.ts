import { expect, waitUntil } from '@open-wc/testing';
import { activityEnvelope, activityItem } from '../support/fakes.js';
import { mountFeed, part, parts, shownSeqs } from './activity-support.js';

const DAY = 24 * 3600 * 1000;

// Noon today, local time: far from midnight so "today" and "yesterday" are unambiguous.
function noon(daysAgo: number): number {
  const date = new Date();
  date.setHours(12, 0, 0, 0);
  date.setDate(date.getDate() - daysAgo);
  return date.getTime();
}

describe('<activity-feed> grouping, avatars and filters', () => {
  it('puts a day heading on the first item of each day: Today, Yesterday, then the date', async () => {
    const { api, feed } = await mountFeed();
    const old = noon(40);
    api.activityCalls[0]!.reply.resolve({
      items: [activityItem(5, {}, noon(0)), activityItem(4, {}, noon(0) - 60_000), activityItem(3, {}, noon(1)), activityItem(2, {}, old), activityItem(1, {}, old - 1000)],
      next: null,
    });
    await waitUntil(() => shownSeqs(feed).length === 5);
    const headings = parts(feed, 'day').map((day) => [Number((day.closest('[part="item"]') as HTMLElement).dataset['seq']), day.textContent]);
    const date = new Intl.DateTimeFormat('en', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      ...(new Date(old).getFullYear() !== new Date().getFullYear() ? { year: 'numeric' } : {}),
    }).format(new Date(old));
    expect(headings).to.deep.equal([
      [5, 'Today'],
      [3, 'Yesterday'],
      [2, date],
    ]);
  });

  it('writes day headings in the element language', async () => {
    const { api, feed } = await mountFeed({ attributes: 'lang="fr"' });
    const old = noon(3);
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(3, {}, noon(0)), activityItem(2, {}, noon(1)), activityItem(1, {}, old)], next: 1 });
    await waitUntil(() => shownSeqs(feed).length === 3);
    expect(parts(feed, 'day').map((day) => day.textContent)).to.deep.equal([
      'Aujourd’hui',
      'Hier',
      new Intl.DateTimeFormat('fr', { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(old)),
    ]);
    expect(part(feed, 'load-older')!.textContent!.trim()).to.equal('Charger l’activité plus ancienne');
  });

  it('moves the day heading when a newer item of the same day arrives live', async () => {
    const { connection, api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(1, {}, Date.now())], next: null });
    await waitUntil(() => shownSeqs(feed).length === 1);
    connection.emit(activityEnvelope(2));
    await feed.updateComplete;
    expect(shownSeqs(feed)).to.deep.equal([2, 1]);
    const [first, second] = parts(feed, 'item');
    expect(first!.querySelector('[part="day"]')!.textContent).to.equal('Today');
    expect(second!.querySelector('[part="day"]')).to.equal(null);
  });

  it('shows the avatar image when the item has one, and initials otherwise', async () => {
    const { api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({
      items: [
        // A file the test server really serves, so the image does not fall back.
        activityItem(3, { userName: 'Ada Lovelace', avatar: '/node_modules/lit/logo.svg' }),
        activityItem(2, { userName: 'grace brewster murray hopper' }),
        activityItem(1, { userName: 'Émile' }),
      ],
      next: null,
    });
    await waitUntil(() => shownSeqs(feed).length === 3);
    const [ada, grace, emile] = parts(feed, 'item').map((item) => item.querySelector<HTMLElement>('[part="avatar"]')!);
    expect(ada!.tagName).to.equal('IMG');
    expect(ada!.getAttribute('src')).to.equal('/node_modules/lit/logo.svg');
    // The name is written next to it: the picture is decorative.
    expect(ada!.getAttribute('alt')).to.equal('');
    expect(grace!.tagName).to.equal('SPAN');
    expect(grace!.textContent).to.equal('GH');
    expect(grace!.getAttribute('aria-hidden')).to.equal('true');
    expect(emile!.textContent).to.equal('É');
    // One user, one colour.
    expect(grace!.style.getPropertyValue('--rt-avatar-hue')).to.match(/^\d+$/);
  });

  it('falls back to initials when the avatar image fails to load', async () => {
    const { api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(1, { userName: 'Lin Wu', avatar: '/no-such-avatar.png' })], next: null });
    await waitUntil(() => shownSeqs(feed).length === 1);
    // A rendered page fails the request at once; a background page may never start a lazy image,
    // so there the test reports the failure as the browser would.
    const img = part(feed, 'avatar')!;
    if (img.tagName === 'IMG') {
      expect(img.getAttribute('src')).to.equal('/no-such-avatar.png');
      img.dispatchEvent(new Event('error'));
    }
    await waitUntil(() => part(feed, 'avatar')!.tagName === 'SPAN');
    expect(part(feed, 'avatar')!.textContent).to.equal('LW');
  });

  it('filters by user and by action while every item still merges and counts', async () => {
    const { connection, api, feed } = await mountFeed({ max: 5, attributes: 'filter-user="ada"' });
    api.activityCalls[0]!.reply.resolve({
      items: [
        activityItem(4, { userId: 'ada', userName: 'Ada', action: 'edited' }),
        activityItem(3, { userName: 'Bob', action: 'edited' }),
        activityItem(2, { userName: 'ada', action: 'commented on' }),
        activityItem(1, { userName: 'Cy', action: 'edited' }),
      ],
      next: null,
    });
    await waitUntil(() => shownSeqs(feed).length === 2);
    expect(shownSeqs(feed)).to.deep.equal([4, 2]);
    expect(feed.items).to.have.length(4);
    expect(feed.filteredItems.map((item) => item.seq)).to.deep.equal([4, 2]);
    expect(parts(feed, 'item').map((item) => [item.getAttribute('aria-posinset'), item.getAttribute('aria-setsize')])).to.deep.equal([
      ['1', '2'],
      ['2', '2'],
    ]);
    // Hidden items still take their place under the cap: the oldest leave first.
    connection.emit(activityEnvelope(5, { userName: 'Bob' }));
    connection.emit(activityEnvelope(6, { userName: 'Bob' }));
    await feed.updateComplete;
    expect(feed.items.map((item) => item.seq)).to.deep.equal([6, 5, 4, 3, 2]);
    expect(shownSeqs(feed)).to.deep.equal([4, 2]);
    feed.setAttribute('filter-action', 'edited');
    await feed.updateComplete;
    expect(shownSeqs(feed)).to.deep.equal([4]);
    feed.removeAttribute('filter-user');
    feed.removeAttribute('filter-action');
    feed.predicate = (item) => item.seq % 2 === 0;
    await feed.updateComplete;
    expect(shownSeqs(feed)).to.deep.equal([6, 4, 2]);
  });

  it('says so when items are kept but the filters hide them all', async () => {
    const { connection, api, feed } = await mountFeed({ attributes: 'filter-action="deleted"' });
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(1)], next: null });
    await waitUntil(() => part(feed, 'empty') !== null);
    expect(part(feed, 'empty')!.dataset['reason']).to.equal('filtered');
    expect(part(feed, 'empty')!.textContent!.trim()).to.equal('No activity matches the filter.');
    expect(part(feed, 'empty')!.querySelector('slot[name="no-match"]')).to.exist;
    expect(part(feed, 'list')).to.equal(null);
    connection.emit(activityEnvelope(2, { action: 'deleted' }));
    await feed.updateComplete;
    expect(shownSeqs(feed)).to.deep.equal([2]);
    expect(part(feed, 'empty')).to.equal(null);
  });

  it('keeps day headings right across a filter: the heading goes to the first shown item of the day', async () => {
    const { api, feed } = await mountFeed({ attributes: 'filter-user="Bo"' });
    api.activityCalls[0]!.reply.resolve({
      items: [activityItem(3, { userName: 'Al' }, noon(1)), activityItem(2, { userName: 'Bo' }, noon(1) - DAY / 4), activityItem(1, { userName: 'Bo' }, noon(2))],
      next: null,
    });
    await waitUntil(() => shownSeqs(feed).length === 2);
    expect(parts(feed, 'day').map((day) => day.textContent)).to.have.length(2);
    expect(parts(feed, 'day')[0]!.textContent).to.equal('Yesterday');
  });
});
