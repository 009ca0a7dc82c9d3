import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotificationInbox } from '../../src/elements/notification-feed/notification-inbox.js';
import type { FeedNotification } from '../../src/events/notification-events.js';

function live(seq: number, extra: Partial<FeedNotification> = {}): FeedNotification {
  return { id: `n${seq}`, seq, ts: seq, level: 'info', title: `t${seq}`, message: '', ...extra };
}

function inbox(cap = 3, groupWindowMs = 0, now = () => 0) {
  return new NotificationInbox({ cap: () => cap, groupWindowMs: () => groupWindowMs, now });
}

function receive(model: NotificationInbox, items: FeedNotification[]) {
  return model.add(items.filter((item) => model.count(item)));
}

describe('NotificationInbox', () => {
  test('keeps the newest rows up to the cap and counts the rest as hidden, while unread counts all', () => {
    const model = inbox(3);
    receive(model, [1, 2, 3, 4, 5].map((seq) => live(seq)));
    assert.deepEqual(model.entries.map((entry) => entry.key), ['n5', 'n4', 'n3']);
    assert.equal(model.hidden, 2);
    assert.equal(model.unread, 5);
  });

  test('past its memory of unread ids it says a read of a forgotten one needs the server, and keeps the count', () => {
    const small = inbox(5);
    for (let seq = 1; seq <= 10; seq += 1) receive(small, [live(seq)]);
    small.mark('read', ['n8']);
    assert.equal(small.knows(['n8']), true, 'a read id it still remembers moves the count exactly');

    const model = inbox(5);
    const total = 5000; // more than the 4,096 ids it remembers
    for (let seq = 1; seq <= total; seq += 1) receive(model, [live(seq)]);
    assert.equal(model.unread, total);
    assert.equal(model.knows([`n${total}`]), true);
    assert.equal(model.knows(['n1']), false, 'the oldest unread id was forgotten');
    model.mark('read', [`n${total - 2}`]);
    assert.equal(model.knows([`n${total - 2}`]), false, 'once ids were forgotten, any id outside the unread memory may be unread');
    assert.equal(model.count(live(total)), false, 'a replay of a remembered id is still recognised');
  });

  test('a repeat of the same notification is dropped; the same id under a new seq merges with a count', () => {
    const model = inbox(5);
    receive(model, [live(1)]);
    assert.equal(model.count(live(1)), false);
    receive(model, [live(2, { id: 'n1' })]);
    assert.equal(model.entries.length, 1);
    assert.equal(model.entries[0]!.count, 2);
    assert.equal(model.unread, 1);
  });

  test('groups within the window merge and move to the top; after the window they start a new row', () => {
    let now = 0;
    const model = inbox(5, 1000, () => now);
    receive(model, [live(1, { group: 'g' }), live(2), live(3, { group: 'g' })]);
    assert.deepEqual(model.entries.map((entry) => [entry.key, entry.count]), [['n1', 2], ['n2', 1]]);
    now = 1001;
    receive(model, [live(4, { group: 'g' })]);
    assert.deepEqual(model.entries.map((entry) => entry.key), ['n4', 'n1', 'n2']);
    assert.equal(model.unread, 4);
  });

  test('an undone archive puts the row back in seq order and restores the count, keeping later arrivals', () => {
    const model = inbox(5);
    receive(model, [live(1), live(2), live(3)]);
    const undo = model.mark('archived', ['n2']);
    assert.deepEqual(model.entries.map((entry) => entry.key), ['n3', 'n1']);
    assert.equal(model.unread, 2);
    receive(model, [live(4)]);
    undo();
    assert.deepEqual(model.entries.map((entry) => entry.key), ['n4', 'n3', 'n2', 'n1']);
    assert.equal(model.unread, 4);
    assert.equal(model.entries[2]!.unreadIds.has('n2'), true);
  });

  test('seen leaves the unread count alone', () => {
    const model = inbox(5);
    receive(model, [live(1), live(2)]);
    model.mark('seen', 'all');
    assert.equal(model.unread, 2);
    assert.ok(model.entries.every((entry) => entry.seen));
  });

  test('the first page sets the count; live ones it already counted are not counted twice', () => {
    const model = inbox(10);
    receive(model, [live(7), live(8)]);
    model.addPage({ items: [{ ...live(7), seq: 7, read: false }, { ...live(6), seq: 6, read: true }], next: null, unread: 4 }, true);
    // The server counted 7 (and three older unread); 8 came after its answer.
    assert.equal(model.unread, 5);
    assert.deepEqual(model.entries.map((entry) => entry.key), ['n8', 'n7', 'n6']);
  });

  test('a read of an id it never held is reported as unknown, so the feed can ask the server', () => {
    const model = inbox(10);
    receive(model, [live(1)]);
    assert.equal(model.applyRemote({ state: 'read', ids: ['n1'] }), true);
    assert.equal(model.unread, 0);
    assert.equal(model.applyRemote({ state: 'read', ids: ['elsewhere'] }), false);
    assert.equal(model.knows(['n1']), true);
  });
});
