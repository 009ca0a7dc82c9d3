import assert from 'node:assert/strict';
import { test } from 'node:test';

// Importing the kit's modules must not touch window, document, storage or randomness: the page
// (or a server renderer) decides when anything starts.
test('controllers, events, strings and element classes import in Node without side effects', async () => {
  // lit-html draws its template marker from Math.random at load; that one is not ours.
  await import('lit');
  const random = Math.random;
  let randomCalls = 0;
  Math.random = () => {
    randomCalls += 1;
    return random();
  };
  try {
    const modules = await Promise.all([
      import('../../src/controllers/index.js'),
      import('../../src/events/index.js'),
      import('../../src/strings.js'),
      import('../../src/elements/connection-badge/connection-badge.js'),
      import('../../src/elements/notification-feed/notification-feed.js'),
      import('../../src/elements/activity-feed/activity-feed.js'),
      import('../../src/elements/realtime-provider/user.js'),
    ]);
    assert.equal(modules.length, 7);
    assert.equal(randomCalls, 0);
    assert.equal('document' in globalThis && (globalThis as { document?: unknown }).document !== undefined, false);
    assert.equal(modules[3].ConnectionBadge.name, 'ConnectionBadge');
  } finally {
    Math.random = random;
  }
});

test('the strings table falls back from region to language to English and takes overrides', async () => {
  const { stringsFor, registerStrings, formatString } = await import('../../src/strings.js');
  assert.equal(stringsFor('fr-CA').stateOpen, 'Connecté');
  assert.equal(stringsFor('xx').stateOpen, 'Connected');
  assert.equal(stringsFor(undefined, { stateOpen: 'Up' }).stateOpen, 'Up');
  registerStrings('de', { stateOpen: 'Verbunden' });
  assert.equal(stringsFor('de-AT').stateOpen, 'Verbunden');
  assert.equal(stringsFor('de').stateClosed, 'Disconnected');
  assert.equal(formatString('Dismiss: {title} {missing}', { title: 'x' }), 'Dismiss: x {missing}');
});

test('the guest user is generated once, stored, and survives broken storage', async () => {
  const { storedUser, USER_STORAGE_KEY } = await import('../../src/elements/realtime-provider/user.js');
  const map = new Map<string, string>();
  const storage = { getItem: (key: string) => map.get(key) ?? null, setItem: (key: string, value: string) => void map.set(key, value) };
  const first = storedUser(storage);
  assert.match(first.name, /^Guest \d{4}$/);
  assert.deepEqual(JSON.parse(map.get(USER_STORAGE_KEY)!), first);
  assert.deepEqual(storedUser(storage), first);
  map.set(USER_STORAGE_KEY, '{not json');
  assert.notEqual(storedUser(storage).id, first.id);
  const throwing = {
    getItem: () => {
      throw new Error('denied');
    },
    setItem: () => {
      throw new Error('denied');
    },
  };
  const memory = storedUser(throwing);
  assert.deepEqual(storedUser(throwing), memory);
});
