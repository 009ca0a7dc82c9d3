import { expect, waitUntil } from '@open-wc/testing';
import { virtualizerRef } from '@lit-labs/virtualizer/virtualize.js';
import { ActivityFeed } from '../../src/elements/activity-feed/activity-feed.js';
import { activityEnvelope } from '../support/fakes.js';
import { mountFeed, part, shownSeqs } from './activity-support.js';

// Counts renders, to check that a burst costs one.
const countingTag = 'activity-feed-counting';
class CountingFeed extends ActivityFeed {
  renders = 0;
  protected override update(changed: Map<PropertyKey, unknown>): void {
    this.renders += 1;
    super.update(changed);
  }
}
if (!customElements.get(countingTag)) customElements.define(countingTag, CountingFeed);

interface VirtualizerHandle {
  element(index: number): { scrollIntoView(options?: ScrollIntoViewOptions): void } | undefined;
}

describe('<activity-feed> long retention', () => {
  it('keeps 100,000 items and renders only tens of rows, the newest first', async () => {
    const { connection, api, feed } = await mountFeed({ max: 100_000 });
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    await feed.updateComplete;
    for (let seq = 1; seq <= 100_000; seq += 1) connection.emit(activityEnvelope(seq, {}, 1_700_000_000_000 + seq));
    await feed.updateComplete;
    expect(feed.items).to.have.length(100_000);
    expect(feed.items[0]!.seq).to.equal(100_000);
    expect(feed.items.at(-1)!.seq).to.equal(1);
    const rows = shownSeqs(feed);
    expect(rows.length).to.be.within(1, 100);
    expect(rows[0]).to.equal(100_000);
    // Rows tell assistive technology where they stand in the whole list.
    expect(part(feed, 'item')!.getAttribute('aria-setsize')).to.equal('100000');
    expect(part(feed, 'item')!.getAttribute('aria-posinset')).to.equal('1');
  });

  it('renders the rows around any position of a 100,000-item list, still only tens of them', async () => {
    const { connection, api, feed } = await mountFeed({ max: 100_000 });
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    for (let seq = 1; seq <= 100_000; seq += 1) connection.emit(activityEnvelope(seq));
    await feed.updateComplete;
    const list = part(feed, 'list') as HTMLElement & { [virtualizerRef]?: VirtualizerHandle };
    // Index 50,000 holds seq 50,000 (newest first from 100,000).
    list[virtualizerRef]!.element(50_000)!.scrollIntoView({ block: 'start' });
    await waitUntil(() => shownSeqs(feed).includes(50_000), 'the row of index 50,000 is rendered');
    expect(shownSeqs(feed).length).to.be.within(1, 100);
    const row = feed.shadowRoot!.querySelector<HTMLElement>('[data-seq="50000"]')!;
    expect(row.getAttribute('aria-posinset')).to.equal('50001');
  });

  it('C22: a long stream at the default cap keeps the newest 1,000 and never more rows than the virtualized window', async () => {
    const { connection, api, feed } = await mountFeed({ max: null });
    expect(feed.max).to.equal(1000);
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    let most = 0;
    for (let seq = 1; seq <= 10_000; seq += 1) {
      connection.emit(activityEnvelope(seq));
      if (seq % 500 === 0) {
        await feed.updateComplete;
        most = Math.max(most, shownSeqs(feed).length);
      }
    }
    expect(feed.items).to.have.length(1000);
    expect(feed.items[0]!.seq).to.equal(10_000);
    expect(feed.items.at(-1)!.seq).to.equal(9_001);
    expect(most).to.be.within(1, 100);
    // Items pushed out lie below the kept ones: "Load older" reaches them from the oldest kept.
    expect(feed.hasOlder).to.be.true;
    expect(part(feed, 'load-older')).to.not.equal(null);
  });

  it('renders once for a burst of 1,000 live events', async () => {
    const { connection, api, feed } = await mountFeed({ tag: countingTag });
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    await feed.updateComplete;
    const counting = feed as CountingFeed;
    counting.renders = 0;
    for (let seq = 1; seq <= 1000; seq += 1) connection.emit(activityEnvelope(seq));
    await feed.updateComplete;
    expect(feed.items).to.have.length(1000);
    expect(counting.renders).to.equal(1);
  });

  it('renders through a page-supplied template inside each row, below the day heading', async () => {
    const { connection, api, feed } = await mountFeed();
    const { html } = await import('lit');
    feed.renderItem = (item) => html`<b class="custom">${item.userName}!</b>`;
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    connection.emit(activityEnvelope(1, { userName: 'Lin' }));
    await feed.updateComplete;
    const row = part(feed, 'item')!;
    expect(row.querySelector('.custom')!.textContent).to.equal('Lin!');
    expect(row.querySelector('[part="day"]')!.textContent).to.equal('Today');
    expect(row.querySelector('[part="avatar"]')).to.equal(null);
  });
});
